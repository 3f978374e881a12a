/**
 * Dates as the calendar has them. `Date.parse` and `new Date()` roll an impossible date over
 * (2027-02-30 becomes 2 March) instead of refusing it, so every date read from outside passes here.
 */

const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(?:([zZ])|([+-])(\d\d):?(\d\d))?$/;

/** Whether the year, month (1–12) and day exist on the Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * Reads an ISO 8601 date and time (`2026-11-20T10:00`, seconds and a fraction optional, then `Z`
 * or an offset such as `+01:00`) into milliseconds since the epoch, or null when the text is not
 * one or names a moment the calendar lacks: a 30 February, an hour 24, a minute 60, an offset
 * beyond ±14:00. Without a zone the time is read as UTC when `zone` is 'optional', refused when
 * 'required'.
 */
export function parseInstant(text: string, zone: 'required' | 'optional'): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (minutes > 59 || hours * 60 + minutes > 14 * 60) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  } else if (m[8] === undefined && zone === 'required') return null;
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, millis);
  return at.getTime() - offsetMinutes * 60_000;
}
