import { KeywardError } from '../errors';

/**
 * The FIDO Metadata Service (MDS3) as Keyward keeps it: for each FIDO2 model (AAGUID) its
 * description, the vendor's attestation roots, the firmware version the statement describes,
 * and the status reports (certification, compromise, update available) with their dates.
 */
export interface MetadataStatusReport {
  readonly status: string;
  /** YYYY-MM-DD, or null when the report carries none. */
  readonly effectiveDate: string | null;
  /** The firmware version the report is about (for UPDATE_AVAILABLE: the version that fixes it). */
  readonly authenticatorVersion: number | null;
  readonly certificateNumber: string | null;
}

export interface MetadataEntry {
  readonly aaguid: string;
  readonly description: string;
  readonly authenticatorVersion: number | null;
  /** The vendor's attestation root certificates, base64 DER. */
  readonly attestationRootCertificates: readonly string[];
  readonly statusReports: readonly MetadataStatusReport[];
}

export interface MetadataBlobPayload {
  /** The BLOB's serial number: each new BLOB has a higher one. */
  readonly no: number;
  /** YYYY-MM-DD: the date by which a newer BLOB is published. */
  readonly nextUpdate: string;
  /** FIDO2 entries only (those with an AAGUID); UAF and U2F entries are left out. */
  readonly entries: readonly MetadataEntry[];
}

/** What the metadata says of one enrolled FIDO2 key, for the inventory and reports. */
export interface KeyMetadata {
  /** The metadata's description of the model, or the model Keyward knows. */
  readonly model: string;
  /** e.g. FIDO_CERTIFIED_L1, "not in the metadata", "no metadata imported". */
  readonly certification: string;
  /** The newest status report, e.g. REVOKED. */
  readonly status: string;
  /** "genuine <description>", "attestation does not chain…", "genuineness not checked (…)". */
  readonly genuineness: string;
}

/** The imported metadata as screens show it. */
export interface ImportedMetadataView {
  readonly no: number;
  readonly nextUpdate: string;
  readonly sha256: string;
  readonly signer: string;
  /** FIDO2 models listed. */
  readonly entries: number;
  readonly importedAt: string;
  /** Past its next update: newer revocations are not known here. */
  readonly stale: boolean;
}

/** Statuses under which an authenticator of that model cannot be trusted to hold an emergency credential. */
export const COMPROMISE_STATUSES = ['REVOKED', 'ATTESTATION_KEY_COMPROMISE', 'USER_VERIFICATION_BYPASS', 'USER_KEY_REMOTE_COMPROMISE', 'USER_KEY_PHYSICAL_COMPROMISE'] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const bad = (message: string): never => {
  throw new KeywardError('invalid_input', `the metadata BLOB's payload ${message}`, 'file');
};
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const version = (value: unknown, where: string): number | null => {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || (value as number) < 0) return bad(`has an authenticatorVersion that is not a whole number at ${where}`);
  return value as number;
};
const optionalText = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, 200) : null);

function statusReport(value: unknown, where: string): MetadataStatusReport {
  if (!isObject(value) || typeof value.status !== 'string' || value.status === '') return bad(`has a status report without a status at ${where}`);
  const effectiveDate = value.effectiveDate === undefined ? null : value.effectiveDate;
  if (effectiveDate !== null && (typeof effectiveDate !== 'string' || !DATE.test(effectiveDate))) return bad(`has a status report whose effectiveDate is not YYYY-MM-DD at ${where}`);
  return { status: value.status.slice(0, 80), effectiveDate, authenticatorVersion: version(value.authenticatorVersion, where), certificateNumber: optionalText(value.certificateNumber) };
}

function metadataEntry(value: unknown, index: number): MetadataEntry | undefined {
  const where = `entries[${index}]`;
  if (!isObject(value)) return bad(`has an entry that is not an object at ${where}`);
  if (value.aaguid === undefined) return undefined;
  if (typeof value.aaguid !== 'string' || !AAGUID.test(value.aaguid.toLowerCase())) return bad(`has an entry whose aaguid is not a UUID at ${where}`);
  const statement = value.metadataStatement;
  if (!isObject(statement)) return bad(`has an entry without a metadataStatement at ${where}`);
  const roots = statement.attestationRootCertificates ?? [];
  if (!Array.isArray(roots) || roots.some((r) => typeof r !== 'string' || !BASE64.test(r))) return bad(`has attestationRootCertificates that are not base64 certificates at ${where}`);
  const reports = value.statusReports;
  if (!Array.isArray(reports)) return bad(`has an entry without statusReports at ${where}`);
  return {
    aaguid: value.aaguid.toLowerCase(),
    description: typeof statement.description === 'string' && statement.description.trim() !== '' ? statement.description.trim().slice(0, 200) : `AAGUID ${value.aaguid.toLowerCase()}`,
    authenticatorVersion: version(statement.authenticatorVersion, where),
    attestationRootCertificates: roots as string[],
    statusReports: reports.map((r, i) => statusReport(r, `${where}.statusReports[${i}]`)),
  };
}

/** Reads the BLOB's payload (already verified) into what Keyward keeps; anything malformed is refused with where it is. */
export function parseBlobPayload(payload: unknown): MetadataBlobPayload {
  if (!isObject(payload)) return bad('is not a JSON object');
  if (!Number.isSafeInteger(payload.no) || (payload.no as number) < 0) return bad('has no serial number ("no")');
  if (typeof payload.nextUpdate !== 'string' || !DATE.test(payload.nextUpdate)) return bad('has no nextUpdate date (YYYY-MM-DD)');
  if (!Array.isArray(payload.entries)) return bad('has no entries');
  const entries = payload.entries.map(metadataEntry).filter((e): e is MetadataEntry => e !== undefined);
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.aaguid)) bad(`lists AAGUID ${e.aaguid} twice`);
    seen.add(e.aaguid);
  }
  return { no: payload.no as number, nextUpdate: payload.nextUpdate, entries };
}

const byDate = (a: MetadataStatusReport, b: MetadataStatusReport) => (a.effectiveDate ?? '').localeCompare(b.effectiveDate ?? '');

/** The model's status now: the newest status report. */
export function currentStatus(entry: Pick<MetadataEntry, 'statusReports'>): string {
  return [...entry.statusReports].sort(byDate).at(-1)?.status ?? 'no status';
}

/** The newest FIDO certification, e.g. FIDO_CERTIFIED_L1, or "not certified". */
export function certificationLevel(entry: Pick<MetadataEntry, 'statusReports'>): string {
  const certified = [...entry.statusReports].sort(byDate).filter((r) => r.status.startsWith('FIDO_CERTIFIED') || r.status === 'NOT_FIDO_CERTIFIED');
  return certified.at(-1)?.status ?? 'not certified';
}

/** What the metadata says about one key of this model with this firmware. */
export interface MetadataConcerns {
  /** A compromise report the key's firmware has not left behind; critical. */
  readonly compromise: MetadataStatusReport | null;
  /** A report naming a firmware version the key has not reached; a warning. */
  readonly updateBelow: MetadataStatusReport | null;
}

const isCompromise = (status: string) => (COMPROMISE_STATUSES as readonly string[]).includes(status);

/**
 * A compromise (REVOKED, a key compromise, a verification bypass) stands unless a later report
 * that is not a compromise names a firmware version the key has reached: REVOKED never lifts.
 * An UPDATE_AVAILABLE report whose version is above the key's firmware asks for an update.
 */
export function metadataConcerns(entry: Pick<MetadataEntry, 'statusReports'>, firmwareVersion: number | null): MetadataConcerns {
  const reports = [...entry.statusReports].sort(byDate);
  const reached = (r: MetadataStatusReport) => r.authenticatorVersion !== null && firmwareVersion !== null && firmwareVersion >= r.authenticatorVersion;
  const compromise =
    reports.find(
      (c, i) => isCompromise(c.status) && (c.status === 'REVOKED' || !reports.slice(i + 1).some((later) => !isCompromise(later.status) && reached(later))),
    ) ?? null;
  const updateBelow = firmwareVersion === null ? null : (reports.filter((r) => r.status === 'UPDATE_AVAILABLE' && r.authenticatorVersion !== null && firmwareVersion < r.authenticatorVersion).at(-1) ?? null);
  return { compromise, updateBelow };
}

/** Whether the imported metadata is past the date by which a newer BLOB was due. */
export const metadataStale = (nextUpdate: string, now: Date): boolean => `${nextUpdate}T23:59:59.999Z` < now.toISOString();
