import type { ReportSection } from '../../core/reports/report';
import type { Checkpoint } from '../ledger/checkpoints';

/**
 * The checkpoints signed in the period, and the last one before it, so that a reader can check
 * the ledger they are given still passes through each pinned head.
 */
export function checkpointsSection(checkpoints: readonly Checkpoint[], from: string, to: string, t: (iso: string) => string): ReportSection {
  const inPeriod = checkpoints.filter((c) => c.recordedAt >= from && c.recordedAt <= to);
  const before = checkpoints.filter((c) => c.recordedAt < from).at(-1);
  const shown = before ? [before, ...inPeriod] : inPeriod;
  return {
    title: 'Signed checkpoints',
    lines: [
      checkpoints.length === 0
        ? 'No checkpoint has been signed: nothing but this report pins the ledger head.'
        : `${inPeriod.length} signed in the period; ${checkpoints.length} in all. Each pins the head before it, signed by two custodians; "keyward ledger verify" re-checks the signatures.`,
    ],
    table: {
      columns: [{ header: 'No.', width: 0.06 }, { header: 'Entry', width: 0.08 }, { header: 'When', width: 0.2 }, { header: 'Signed by', width: 0.26 }, { header: 'Pinned head (after entries)', width: 0.4, mono: true }],
      rows: shown.map((c) => [String(c.number), String(c.seq), t(c.recordedAt), `${c.custodian}, ${c.witness}${c.drill ? ' (drill)' : ''}`, `${c.headHash} (${c.entries})`]),
      empty: 'No checkpoint was signed in this period.',
    },
  };
}
