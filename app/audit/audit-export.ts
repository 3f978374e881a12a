import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/ledger/canonical-json';
import type { LedgerEntry } from '../../core/ledger/ledger';
import { schemaVersion } from '../../db/connection';
import { findEntry, iterateStoredRows, readHead, toLedgerEntry } from '../../db/ledger';
import { listPlaces } from '../../db/places';
import { readOrganisationFacts } from '../../db/posture-facts';
import type { ApprovalStep } from '../custody/custodian-keys';
import { KEYWARD_VERSION } from '../keyward';
import { recordCheckpoint, type Checkpoint } from '../ledger/checkpoints';
import { checkOutputPath, writeAll, writeOutputFileSync } from '../output-file';
import type { Session } from '../ports';
import type { KeySource } from '../presence/key-sources';
import { BUNDLE_FORMAT, BUNDLE_VERSION, LISTED_MEMBERS, asJson, checkpointsOf, custodianKeysOf, siteOfEntries, type Manifest } from './bundle-contents';
import { writeTar } from './ustar';
import { DESCRIBING_KINDS } from './bundle-lines';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** Kinds the bundle's other members are made from; only these entries are kept parsed. */

/**
 * The stored row as its canonical line: the body with its hash put in key order (after "actors"
 * and "approvals", before "kind"), without parsing and re-encoding every entry.
 */
function canonicalLine(body: string, hash: string): string {
  const at = body.indexOf(',"kind":"');
  return `${body.slice(0, at)},"hash":"${hash}"${body.slice(at)}`;
}

export interface AuditExportInput {
  readonly out?: unknown;
  readonly custodian?: unknown;
  readonly witness?: unknown;
}

/**
 * Writes one file an auditor can check anywhere: the ledger as JSON Lines, every custodian key
 * with the entry that registered it, the checkpoints, the site's facts and a manifest of SHA-256
 * sums, closed by a checkpoint over the manifest that two custodians sign (and that the ledger
 * keeps too). The file is written whole or not at all.
 */
export async function exportAuditBundle(session: Session, keys: KeySource, input: AuditExportInput, onApproval: (step: ApprovalStep) => void = () => undefined): Promise<{ out: string; manifest: Manifest; closing: Checkpoint }> {
  const out = checkOutputPath(input.out);
  const { db } = session;
  const snapshot = db.transaction(() => {
    const lines: string[] = [];
    const described: LedgerEntry[] = [];
    for (const row of iterateStoredRows(db)) {
      lines.push(canonicalLine(row.body, row.hash));
      const kind = /,"kind":"([a-z_.]+)"/.exec(row.body)?.[1];
      if (kind && DESCRIBING_KINDS.has(kind)) described.push(toLedgerEntry(row));
    }
    return { head: readHead(db), lines, described, organisation: readOrganisationFacts(db), places: listPlaces(db), schema: schemaVersion(db) };
  })();
  const site = siteOfEntries(snapshot.described);
  const contents: Record<(typeof LISTED_MEMBERS)[number], Buffer> = {
    'ledger.jsonl': Buffer.from(snapshot.lines.length ? `${snapshot.lines.join('\n')}\n` : '', 'utf8'),
    'custodians.json': Buffer.from(canonicalJson(asJson(custodianKeysOf(snapshot.described))), 'utf8'),
    'checkpoints.json': Buffer.from(canonicalJson(asJson(checkpointsOf(snapshot.described))), 'utf8'),
    'site.json': Buffer.from(canonicalJson(asJson({ site, keywardVersion: KEYWARD_VERSION, schemaVersion: snapshot.schema, organisation: snapshot.organisation, places: snapshot.places })), 'utf8'),
  };
  const createdAt = session.clock.now().toISOString();
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    site,
    createdAt,
    head: { seq: snapshot.head.seq, hash: snapshot.head.hash },
    members: LISTED_MEMBERS.map((name) => ({ name, size: contents[name].length, sha256: sha256(contents[name]) })),
  };
  const manifestBytes = Buffer.from(canonicalJson(asJson(manifest)), 'utf8');
  const closing = await recordCheckpoint(session, keys, { custodian: input.custodian, witness: input.witness }, onApproval, { manifest: sha256(manifestBytes), expectHead: snapshot.head.hash });
  const closingEntry = findEntry(db, closing.seq)!;
  const tar = writeTar(
    [
      { name: 'manifest.json', data: manifestBytes },
      ...LISTED_MEMBERS.map((name) => ({ name, data: contents[name] })),
      { name: 'closing-checkpoint.json', data: Buffer.from(canonicalJson(asJson(closingEntry)), 'utf8') },
    ],
    Math.floor(Date.parse(createdAt) / 1000),
  );
  writeOutputFileSync(out, (fd) => writeAll(fd, tar));
  return { out, manifest, closing };
}
