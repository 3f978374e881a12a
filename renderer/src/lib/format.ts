/** `2026-11-25T09:00:00.000Z` with `+01:00` → `2026-11-25 10:00:00 (UTC+01:00)`, the local time it was recorded. */
export function formatRecordedAt(recordedAt: string, utcOffset: string, precision: 'seconds' | 'minutes' = 'seconds'): string {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(utcOffset);
  const instant = Date.parse(recordedAt);
  if (!match || Number.isNaN(instant)) return `${recordedAt} (${utcOffset})`;
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  const local = new Date(instant + minutes * 60_000).toISOString().replace('T', ' ').slice(0, precision === 'seconds' ? 19 : 16);
  return `${local} (UTC${utcOffset})`;
}

export const shortHash = (hash: string): string => `${hash.slice(0, 12)}…${hash.slice(-4)}`;

export const STATE_LABELS: Record<string, string> = { in_safe: 'In the safe', checked_out: 'Checked out', lost: 'Lost', retired: 'Retired' };

/** A UTC instant in this machine's local time, with its offset: `2026-11-25 10:00 (UTC+01:00)`. */
export function formatLocalTime(instant: string, precision: 'seconds' | 'minutes' = 'minutes'): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const minutes = -at.getTimezoneOffset();
  const abs = Math.abs(minutes);
  const offset = `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return formatRecordedAt(at.toISOString(), offset, precision);
}
