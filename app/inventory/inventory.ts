import { KeywardError } from '../../core/errors';
import {
  parseAuthenticatorKind,
  parseObjectId,
  parseSealSerial,
  parseText,
  parseUpn,
  type Authenticator,
  type Custodian,
  type EmergencyAccount,
  type Inventory,
  type Seal,
  type StoragePlace,
} from '../../core/inventory/inventory';
import { refuseLookAlike } from '../../core/text/confusables';
import { findAccountByObjectId, findAccountByUpn, insertAccount, listAccounts } from '../../db/accounts';
import { findAuthenticatorByLabel, insertAuthenticator, listAuthenticators } from '../../db/authenticators';
import { findCustodianByName, insertCustodian, listCustodians } from '../../db/custodians';
import { appendEntry } from '../../db/ledger';
import { findPlaceByName, insertPlace, listPlaces } from '../../db/places';
import { findSealBySerial, insertSeal, listSeals } from '../../db/seals';
import { refuseUnapprovedBinding } from '../custody/binding';
import { recorded, type Session } from '../ports';
import { keyMetadata } from '../metadata/metadata-findings';

/** Input as it arrives from a form, the CLI or IPC: unvalidated. */
type Input = Record<string, unknown>;

export function addAccount(session: Session, input: Input): EmergencyAccount {
  const upn = parseUpn(input.upn);
  const objectId = parseObjectId(input.objectId);
  const label = parseText(input.label, 'label', { required: false });
  return recorded(session, (at) => {
    if (findAccountByUpn(session.db, upn)) throw new KeywardError('conflict', `an emergency account ${upn} is already in the inventory`, 'upn');
    if (findAccountByObjectId(session.db, objectId)) throw new KeywardError('conflict', `object id ${objectId} already belongs to another emergency account`, 'objectId');
    const accounts = listAccounts(session.db);
    refuseLookAlike(upn, accounts.map((a) => ({ text: a.upn, as: `the emergency account ${a.upn}` })), 'upn');
    if (label) refuseLookAlike(label, accounts.map((a) => ({ text: a.label, as: `"${a.label}", the label of ${a.upn}` })), 'label');
    const account = insertAccount(session.db, { upn, objectId, label, createdAt: at.recordedAt });
    appendEntry(session.db, { kind: 'account.added', actors: [session.actor], payload: { accountId: account.id, upn, objectId, label } }, at);
    return account;
  });
}

export function addPlace(session: Session, input: Input): StoragePlace {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  const site = parseText(input.site, 'site', { required: false, max: 80 });
  const safe = parseText(input.safe, 'safe', { required: false, max: 80 });
  const slot = parseText(input.slot, 'slot', { required: false, max: 40 });
  return recorded(session, (at) => {
    if (findPlaceByName(session.db, name)) throw new KeywardError('conflict', `a storage place named "${name}" already exists`, 'name');
    const place = insertPlace(session.db, { name, site, safe, slot, createdAt: at.recordedAt });
    appendEntry(session.db, { kind: 'place.added', actors: [session.actor], payload: { placeId: place.id, name, site, safe, slot } }, at);
    return place;
  });
}

export function addAuthenticator(session: Session, input: Input): Authenticator {
  const kind = parseAuthenticatorKind(input.kind);
  const label = parseText(input.label, 'label', { required: true, max: 80 });
  const serial = parseText(input.serial, 'serial', { required: false, max: 64 });
  const placeName = parseText(input.place, 'place', { required: false, max: 80 });
  const accountUpn = input.account === undefined || input.account === '' ? '' : parseUpn(input.account, 'account');
  return recorded(session, (at) => {
    if (findAuthenticatorByLabel(session.db, label)) throw new KeywardError('conflict', `an authenticator labelled "${label}" already exists`, 'label');
    const place = placeName ? findPlaceByName(session.db, placeName) : undefined;
    if (placeName && !place) throw new KeywardError('not_found', `no storage place named "${placeName}"; add it first`, 'place');
    const account = accountUpn ? findAccountByUpn(session.db, accountUpn) : undefined;
    if (accountUpn && !account) throw new KeywardError('not_found', `no emergency account ${accountUpn}; add it first`, 'account');
    if (account) refuseUnapprovedBinding(session, label, false);
    const authenticator = insertAuthenticator(session.db, { kind, label, serial, placeId: place?.id ?? null, accountId: account?.id ?? null, createdAt: at.recordedAt });
    appendEntry(
      session.db,
      {
        kind: 'authenticator.added',
        actors: [session.actor],
        payload: { authenticatorId: authenticator.id, kind, label, serial, place: place?.name ?? null, account: account?.upn ?? null, state: authenticator.state },
      },
      at,
    );
    return authenticator;
  });
}

export function addCustodian(session: Session, input: Input): Custodian {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  return recorded(session, (at) => {
    if (findCustodianByName(session.db, name)) throw new KeywardError('conflict', `a custodian named "${name}" already exists`, 'name');
    refuseLookAlike(name, listCustodians(session.db).map((c) => ({ text: c.name, as: `the custodian ${c.name}` })), 'name');
    const custodian = insertCustodian(session.db, { name, createdAt: at.recordedAt });
    appendEntry(session.db, { kind: 'custodian.added', actors: [session.actor], payload: { custodianId: custodian.id, name } }, at);
    return custodian;
  });
}

export function registerSeal(session: Session, input: Input): Seal {
  const serial = parseSealSerial(input.serial);
  return recorded(session, (at) => {
    if (findSealBySerial(session.db, serial)) throw new KeywardError('conflict', `seal ${serial} is already registered; a seal serial is never reused`, 'serial');
    const seal = insertSeal(session.db, { serial, createdAt: at.recordedAt });
    appendEntry(session.db, { kind: 'seal.registered', actors: [session.actor], payload: { sealId: seal.id, serial } }, at);
    return seal;
  });
}

export function listInventory(session: Pick<Session, 'db'>): Inventory {
  const { db } = session;
  const metadata = keyMetadata(session);
  const authenticators = listAuthenticators(db).map((a) => {
    const known = metadata.get(a.id);
    return known ? { ...a, metadata: known } : a;
  });
  return { accounts: listAccounts(db), authenticators, custodians: listCustodians(db), places: listPlaces(db), seals: listSeals(db) };
}
