import type { Checkpoint, Site } from '../../core/ledger/checkpoint';
import type { JsonValue } from '../../core/ledger/canonical-json';
import type { LedgerEntry } from '../../core/ledger/ledger';
import { toCheckpoint } from '../ledger/checkpoints';

/** What `keyward audit export` writes and `keyward audit verify` reads; another version is refused. */
export const BUNDLE_FORMAT = 'keyward-audit-bundle';
export const BUNDLE_VERSION = 1;

/** The members, always these and in this order; the manifest lists the four between it and the closing checkpoint. */
export const MEMBERS = ['manifest.json', 'ledger.jsonl', 'custodians.json', 'checkpoints.json', 'site.json', 'closing-checkpoint.json'] as const;
export const LISTED_MEMBERS = ['ledger.jsonl', 'custodians.json', 'checkpoints.json', 'site.json'] as const;

export interface ManifestMember {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: string;
  readonly version: number;
  readonly site: Site;
  readonly createdAt: string;
  /** The ledger's last entry in ledger.jsonl; the closing checkpoint follows it. */
  readonly head: { readonly seq: number; readonly hash: string };
  readonly members: readonly ManifestMember[];
}

/** A custodian's registered key as the ledger introduced it, with the entry that did. */
export interface CustodianKeyRecord {
  readonly custodianId: number;
  readonly name: string;
  readonly credentialId: string;
  /** COSE EC2 P-256, base64url, exactly as enrolled. */
  readonly publicKey: string;
  readonly drill: boolean;
  readonly enrolment: LedgerEntry;
}

const KEY_KINDS = new Set(['custodians.founded', 'custodian.key_enrolled', 'custodian.key_replaced']);

/** Every custodian key the ledger ever registered, in ledger order, each with its enrolment entry. */
export function custodianKeysOf(entries: Iterable<LedgerEntry>): CustodianKeyRecord[] {
  const records: CustodianKeyRecord[] = [];
  for (const entry of entries) {
    if (!KEY_KINDS.has(entry.kind)) continue;
    const p = entry.payload as Record<string, unknown>;
    const people = entry.kind === 'custodians.founded' && Array.isArray(p.custodians) ? (p.custodians as Record<string, unknown>[]) : [p];
    for (const person of people) {
      records.push({ custodianId: Number(person.custodianId), name: String(person.name), credentialId: String(person.credentialId), publicKey: String(person.publicKey), drill: p.drill === true, enrolment: entry });
    }
  }
  return records;
}

export const checkpointsOf = (entries: Iterable<LedgerEntry>): Checkpoint[] => [...entries].filter((e) => e.kind === 'ledger.checkpoint').map(toCheckpoint);

/** The site as the ledger alone has it: its first entry's hash, and the last name it was given. */
export function siteOfEntries(entries: Iterable<LedgerEntry>): Site {
  let id = '';
  let name = '';
  for (const entry of entries) {
    if (entry.seq === 1) id = entry.hash;
    if (entry.kind === 'site.named' && typeof entry.payload.name === 'string') name = entry.payload.name;
  }
  return { id, name };
}

/** The JSON value of a record, for canonical encoding (drops nothing: no field is undefined). */
export const asJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;
