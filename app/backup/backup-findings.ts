import type { PresentFinding } from '../../core/findings/judge';
import { firstEntry, latestEntryOfKinds } from '../../db/ledger';
import { readOrganisationFacts } from '../../db/posture-facts';
import type { Session } from '../ports';

const DAY = 86_400_000;

/**
 * A state, not a verdict: the last backup is older than the organisation's interval (its check
 * interval, the same rhythm as presence checks and network proofs), or none was made within it.
 * It ends when a backup is made and verified (keyward backup).
 */
export function backupFindings(session: Pick<Session, 'db'>, now: Date): PresentFinding[] {
  const interval = readOrganisationFacts(session.db).checkIntervalDays;
  const last = latestEntryOfKinds(session.db, ['ledger.backed_up']);
  const from = last?.recordedAt ?? firstEntry(session.db)?.recordedAt;
  if (!from) return [];
  const due = new Date(Date.parse(from) + interval * DAY);
  if (due > now) return [];
  return [
    {
      id: `backup-stale:${due.toISOString().slice(0, 10)}`, kind: 'backup-stale', severity: 'warning', subject: { type: 'ledger', id: 'backup', label: 'Backups' },
      since: due.toISOString(), drill: false, closure: 'condition', evidence: last ? [last.seq] : [],
      title: last ? `The last backup is older than ${interval} days` : `No backup in ${interval} days`,
      detail: last ? `the last verified backup was made on ${last.recordedAt.slice(0, 10)} (entry ${last.seq})` : `no backup has been recorded since the ledger began on ${from.slice(0, 10)}`,
      nextStep: 'Back the database up to removable media (keyward backup --out FILE) and keep the copy apart from the room.',
    },
  ];
}
