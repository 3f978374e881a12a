import { foldEvidence, type EvidencePiece, type TenantEvidence } from '../../core/guidance/tenant-evidence';
import { entriesOfKinds } from '../../db/ledger';
import type { Session } from '../ports';

/** The newest evidence of each kind that the ledger's Entra imports hold (imports from before evidence was kept hold none). */
export function readTenantEvidence(session: Pick<Session, 'db'>): TenantEvidence {
  const imports = entriesOfKinds(session.db, ['posture.imported'])
    .filter((e) => e.payload.evidence && typeof e.payload.evidence === 'object')
    .map((e) => ({ piece: e.payload.evidence as unknown as EvidencePiece, source: { file: String(e.payload.file), seq: e.seq, recordedAt: e.recordedAt } }));
  return foldEvidence(imports);
}
