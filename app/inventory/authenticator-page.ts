import { parseAuthenticatorPageRequest, type AuthenticatorPage, type AuthenticatorPageInput, type InventoryOverview, type ItemChoice } from '../../core/inventory/authenticator-query';
import { listAccounts } from '../../db/accounts';
import { countAuthenticators, listItemChoices, pageAuthenticators } from '../../db/authenticator-pages';
import { listCustodians } from '../../db/custodians';
import { listPlaces } from '../../db/places';
import { listSeals } from '../../db/seals';
import { keyMetadata } from '../metadata/metadata-findings';
import type { Session } from '../ports';

/**
 * A page of the authenticators, narrowed by text, state and kind and in the order asked, each
 * key with what the FIDO metadata says of it; with how many match and how many there are. Every
 * field of the request is checked before anything is read; a bad one is named.
 */
export function authenticatorPage(session: Pick<Session, 'db'>, input: AuthenticatorPageInput = {}): AuthenticatorPage {
  const request = parseAuthenticatorPageRequest(input);
  const page = pageAuthenticators(session.db, request);
  const metadata = keyMetadata(session, page.authenticators);
  return {
    ...page,
    authenticators: page.authenticators.map((a) => {
      const known = metadata.get(a.id);
      return known ? { ...a, metadata: known } : a;
    }),
  };
}

/** The accounts, custodians, places and seals, and how many authenticators there are by state and kind: the inventory without its longest list. */
export function inventoryOverview(session: Pick<Session, 'db'>): InventoryOverview {
  const { db } = session;
  return { accounts: listAccounts(db), custodians: listCustodians(db), places: listPlaces(db), seals: listSeals(db), authenticators: countAuthenticators(db) };
}

/** Every item with what a list to choose one from needs (label, kind, state, drill, enrolled, seal), for the screens that pick an item. */
export const itemChoices = (session: Pick<Session, 'db'>): ItemChoice[] => listItemChoices(session.db);
