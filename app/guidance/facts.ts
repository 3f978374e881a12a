import type { FactsView } from '../../core/guidance/facts-view';
import { listAccounts } from '../../db/accounts';
import { entriesOfKinds } from '../../db/ledger';
import { accountFactsRecordedAt, organisationFactsRecordedAt, readAccountFacts, readOrganisationFacts } from '../../db/posture-facts';
import type { Session } from '../ports';

/** The facts recorded by hand about each account and the organisation, and the Entra imports, newest first. */
export function readFacts(session: Pick<Session, 'db'>): FactsView {
  const { db } = session;
  return {
    accounts: listAccounts(db).map((a) => {
      const { groups: _groups, ...facts } = readAccountFacts(db, a.id);
      return { upn: a.upn, objectId: a.objectId, ...facts, recordedAt: accountFactsRecordedAt(db, a.id) };
    }),
    organisation: { ...readOrganisationFacts(db), recordedAt: organisationFactsRecordedAt(db) },
    imports: entriesOfKinds(db, ['posture.imported'])
      .reverse()
      .map((e) => ({ seq: e.seq, recordedAt: e.recordedAt, file: String(e.payload.file ?? ''), kind: String(e.payload.kind ?? ''), summary: String(e.payload.summary ?? (Array.isArray(e.payload.kinds) ? e.payload.kinds.join(', ') : '')) })),
  };
}
