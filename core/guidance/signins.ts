import { parseInstant } from '../calendar';
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

/** The fields of a sign-in, by the name a Graph record gives them. */
type SignInField = 'id' | 'createdDateTime' | 'userId' | 'status.errorCode' | 'userPrincipalName' | 'appDisplayName' | 'ipAddress' | 'conditionalAccessStatus';
/** How an error message names a field: the Graph key, or the CSV column it came from. */
type FieldNames = (field: SignInField) => string;
const graphNames: FieldNames = (field) => (field === 'createdDateTime' ? field : `"${field}"`);

/** Validates one record of a Graph signIn export; `where` names it ("line 4, column 1, record 3"). */
export function signInFromGraph(value: unknown, where: string, name: FieldNames = graphNames): SignIn {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidInput('file', `${where}: not a sign-in object`);
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') throw invalidInput('file', `${where}: ${name('id')} must be a non-empty string`);
  if (typeof r.userId !== 'string' || !GUID.test(r.userId)) throw invalidInput('file', `${where}: ${name('userId')} must be an object id (GUID)`);
  const status = r.status as Record<string, unknown> | undefined;
  if (!status || typeof status !== 'object' || Array.isArray(status) || !Number.isSafeInteger(status.errorCode)) throw invalidInput('file', `${where}: ${name('status.errorCode')} must be a whole number`);
  // Checked against the calendar: Date.parse would take 30 February as 2 March. No zone is UTC.
  const at = typeof r.createdDateTime === 'string' ? parseInstant(r.createdDateTime, 'optional') : null;
  if (at === null) throw invalidInput('file', `${where}: ${name('createdDateTime')} ${JSON.stringify(r.createdDateTime)} is not a date and time (ISO 8601, on the calendar)`);
  const text = (key: 'userPrincipalName' | 'appDisplayName' | 'ipAddress' | 'conditionalAccessStatus') => {
    const v = r[key];
    if (v !== undefined && v !== null && typeof v !== 'string') throw invalidInput('file', `${where}: ${name(key)} must be text`);
    return (v as string | null | undefined) ?? '';
  };
  return {
    id: r.id,
    createdAt: new Date(at).toISOString(),
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
const FIELD_OF_COLUMN: Record<keyof typeof CSV_COLUMNS, SignInField> = {
  id: 'id',
  createdAt: 'createdDateTime',
  userId: 'userId',
  upn: 'userPrincipalName',
  app: 'appDisplayName',
  ip: 'ipAddress',
  errorCode: 'status.errorCode',
  conditionalAccess: 'conditionalAccessStatus',
};
const COLUMN_OF_FIELD = Object.fromEntries(Object.entries(FIELD_OF_COLUMN).map(([column, field]) => [field, column])) as Record<SignInField, keyof typeof CSV_COLUMNS>;

/** Where each column Keyward reads sits in the CSV (-1: absent), and the header it was read from. */
export type CsvLayout = Record<keyof typeof CSV_COLUMNS, number> & { readonly header: readonly string[] };

/** Maps a CSV header to column positions, or names the column that is missing. */
export function csvLayout(header: readonly string[]): CsvLayout {
  const names = header.map((h) => h.trim().toLowerCase().replace(/^\uFEFF/, ''));
  const layout = { header } as { -readonly [K in keyof CsvLayout]: CsvLayout[K] };
  for (const [key, aliases] of Object.entries(CSV_COLUMNS) as [keyof typeof CSV_COLUMNS, readonly string[]][]) {
    layout[key] = names.findIndex((n) => aliases.includes(n));
  }
  for (const key of REQUIRED) {
    if (layout[key] < 0) throw invalidInput('file', `the CSV has no "${CSV_COLUMNS[key][0]}" column (its columns: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
  }
  return layout;
}

export function signInFromCsv(fields: readonly string[], layout: CsvLayout, line: number): SignIn {
  const where = `line ${line}`;
  const name: FieldNames = (field) => {
    const at = layout[COLUMN_OF_FIELD[field]];
    return `"${layout.header[at]?.trim() ?? field}" (column ${at + 1})`;
  };
  const get = (key: keyof typeof CSV_COLUMNS) => (layout[key] >= 0 ? (fields[layout[key]] ?? '').trim() : '');
  if (fields.length !== layout.header.length) throw invalidInput('file', `${where}: has ${fields.length} fields; the header has ${layout.header.length}`);
  const code = get('errorCode');
  if (!/^-?\d{1,15}$/.test(code)) throw invalidInput('file', `${where}: sign-in error code ${JSON.stringify(code)} in column ${layout.errorCode + 1} is not a whole number`);
  return signInFromGraph(
    { id: get('id'), createdDateTime: get('createdAt'), userId: get('userId'), userPrincipalName: get('upn'), appDisplayName: get('app'), ipAddress: get('ip'), status: { errorCode: Number(code) }, conditionalAccessStatus: get('conditionalAccess') },
    where,
    name,
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
