import { listAuthenticators } from '../../db/authenticators';
import { readOrganisationFacts } from '../../db/posture-facts';
import type { Session } from '../ports';

export interface PresenceScheduleItem {
  readonly id: number;
  readonly label: string;
  readonly kind: 'fido2' | 'smartcard';
  readonly drill: boolean;
  readonly lastCheckedAt: string | null;
  readonly lastResult: 'ok' | 'anomaly' | 'missing' | null;
  /** The last check plus the organisation's interval (from enrolment when never checked), as the findings judge it. */
  readonly nextDueAt: string;
  readonly overdue: boolean;
}

/** Every item a presence check covers, with its last check and when the next one falls due. */
export function presenceSchedule(session: Pick<Session, 'db' | 'clock'>): { readonly intervalDays: number; readonly items: readonly PresenceScheduleItem[] } {
  const intervalDays = readOrganisationFacts(session.db).checkIntervalDays;
  const now = session.clock.now().getTime();
  const items = listAuthenticators(session.db)
    .filter((a) => a.enrolled && a.state !== 'retired' && a.state !== 'lost')
    .map((a) => {
      const nextDueAt = new Date(Date.parse(a.lastCheckedAt ?? a.createdAt) + intervalDays * 86_400_000).toISOString();
      return { id: a.id, label: a.label, kind: a.kind, drill: a.simulated, lastCheckedAt: a.lastCheckedAt, lastResult: a.lastResult, nextDueAt, overdue: Date.parse(nextDueAt) < now };
    })
    .sort((a, b) => a.nextDueAt.localeCompare(b.nextDueAt));
  return { intervalDays, items };
}
