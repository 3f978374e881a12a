import { invalidInput } from '../errors';

/** One Entra sign-in, as Keyward keeps it. */
export interface SignIn {
  readonly id: string;
  /** UTC instant. */
  readonly createdAt: string;
  /** The user's object id: sign-ins are matched on it, never on the UPN. */
  readonly userId: string;
  readonly upn: string;
  readonly app: string;
  readonly ip: string;
  /** status.errorCode: 0 is a successful sign-in. */
  readonly errorCode: number;
  readonly conditionalAccess: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function instant(value: unknown, where: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) || Number.isNaN(Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`))) {
    throw invalidInput('file', `${where}: createdDateTime ${JSON.stringify(value)} is not a date and time`);
  }
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`).toISOString();
}

/** Validates one record of a Graph signIn export; `where` names it ("record 12", "line 40"). */
export function signInFromGraph(value: unknown, where: string): SignIn {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidInput('file', `${where}: not a sign-in object`);
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') throw invalidInput('file', `${where}: "id" must be a non-empty string`);
  if (typeof r.userId !== 'string' || !GUID.test(r.userId)) throw invalidInput('file', `${where}: "userId" must be an object id (GUID)`);
  const status = r.status as Record<string, unknown> | undefined;
  if (!status || typeof status !== 'object' || !Number.isSafeInteger(status.errorCode)) throw invalidInput('file', `${where}: "status.errorCode" must be a whole number`);
  const text = (key: string) => {
    const v = r[key];
    if (v !== undefined && v !== null && typeof v !== 'string') throw invalidInput('file', `${where}: "${key}" must be text`);
    return (v as string | null | undefined) ?? '';
  };
  return {
    id: r.id,
    createdAt: instant(r.createdDateTime, where),
    userId: r.userId.toLowerCase(),
    upn: text('userPrincipalName'),
    app: text('appDisplayName'),
    ip: text('ipAddress'),
    errorCode: status.errorCode as number,
    conditionalAccess: text('conditionalAccessStatus'),
  };
}

/** The columns of the portal's CSV export that Keyward reads; other columns are passed over. */
export const CSV_COLUMNS = {
  id: ['request id', 'id'],
  createdAt: ['date (utc)', 'date', 'createddatetime'],
  userId: ['user id', 'userid'],
  upn: ['username', 'userprincipalname'],
  app: ['application', 'appdisplayname'],
  ip: ['ip address', 'ipaddress'],
  errorCode: ['sign-in error code', 'errorcode', 'status.errorcode'],
  conditionalAccess: ['conditional access', 'conditionalaccessstatus'],
} as const;
const REQUIRED = ['id', 'createdAt', 'userId', 'errorCode'] as const;

/** Maps a CSV header to column positions, or names the column that is missing. */
export function csvLayout(header: readonly string[]): Record<keyof typeof CSV_COLUMNS, number> {
  const names = header.map((h) => h.trim().toLowerCase().replace(/^\uFEFF/, ''));
  const layout = {} as Record<keyof typeof CSV_COLUMNS, number>;
  for (const [key, aliases] of Object.entries(CSV_COLUMNS) as [keyof typeof CSV_COLUMNS, readonly string[]][]) {
    layout[key] = names.findIndex((n) => aliases.includes(n));
  }
  for (const key of REQUIRED) {
    if (layout[key] < 0) throw invalidInput('file', `the CSV has no "${CSV_COLUMNS[key][0]}" column (its columns: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
  }
  return layout;
}

export function signInFromCsv(fields: readonly string[], layout: Record<keyof typeof CSV_COLUMNS, number>, line: number): SignIn {
  const where = `line ${line}`;
  const get = (key: keyof typeof CSV_COLUMNS) => (layout[key] >= 0 ? (fields[layout[key]] ?? '').trim() : '');
  if (fields.length < Math.max(...Object.values(layout)) + 1) throw invalidInput('file', `${where}: has ${fields.length} fields; the header promises more`);
  const code = get('errorCode');
  if (!/^-?\d+$/.test(code)) throw invalidInput('file', `${where}: sign-in error code ${JSON.stringify(code)} is not a whole number`);
  return signInFromGraph(
    { id: get('id'), createdDateTime: get('createdAt'), userId: get('userId'), userPrincipalName: get('upn'), appDisplayName: get('app'), ipAddress: get('ip'), status: { errorCode: Number(code) }, conditionalAccessStatus: get('conditionalAccess') },
    where,
  );
}

export interface CheckoutWindow {
  readonly checkoutSeq: number;
  readonly accountObjectId: string;
  readonly label: string;
  readonly reason: string;
  readonly from: string;
  /** Null while the item is still out. */
  readonly to: string | null;
}

export interface Reconciliation {
  readonly explained: readonly { readonly signIn: SignIn; readonly checkoutSeq: number }[];
  /** Sign-ins by an emergency account outside any logged checkout of its authenticators. */
  readonly incidents: readonly SignIn[];
  /** Drill checkouts with no successful sign-in by the account while the key was out. */
  readonly incompleteDrills: readonly CheckoutWindow[];
  /** Three or more failed sign-ins by one account within ten minutes. */
  readonly failedBursts: readonly { readonly userId: string; readonly from: string; readonly to: string; readonly count: number }[];
}

const BURST_SIZE = 3;
const BURST_MS = 10 * 60_000;

/** Every emergency-account sign-in is explained by a logged checkout window, or it is an incident. */
export function reconcile(signIns: readonly SignIn[], windows: readonly CheckoutWindow[], emergencyObjectIds: readonly string[], now: Date): Reconciliation {
  const ids = new Set(emergencyObjectIds.map((id) => id.toLowerCase()));
  const relevant = signIns.filter((s) => ids.has(s.userId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const inWindow = (s: SignIn, w: CheckoutWindow) => w.accountObjectId.toLowerCase() === s.userId && s.createdAt >= w.from && s.createdAt <= (w.to ?? now.toISOString());
  const explained: Reconciliation['explained'][number][] = [];
  const incidents: SignIn[] = [];
  for (const s of relevant) {
    const window = windows.find((w) => inWindow(s, w));
    if (window) explained.push({ signIn: s, checkoutSeq: window.checkoutSeq });
    else incidents.push(s);
  }
  const incompleteDrills = windows.filter((w) => w.reason === 'drill' && w.to !== null && !relevant.some((s) => s.errorCode === 0 && inWindow(s, w)));
  const failedBursts: Reconciliation['failedBursts'][number][] = [];
  for (const id of ids) {
    const failures = relevant.filter((s) => s.userId === id && s.errorCode !== 0);
    let start = 0;
    while (start < failures.length) {
      let end = start;
      while (end + 1 < failures.length && Date.parse(failures[end + 1]!.createdAt) - Date.parse(failures[start]!.createdAt) <= BURST_MS) end += 1;
      if (end - start + 1 >= BURST_SIZE) {
        failedBursts.push({ userId: id, from: failures[start]!.createdAt, to: failures[end]!.createdAt, count: end - start + 1 });
        start = end + 1;
      } else start += 1;
    }
  }
  return { explained, incidents, incompleteDrills, failedBursts };
}
