import { KeywardError } from '../../core/errors';
import { parseText, parseUpn, type Authenticator, type AuthenticatorKind, type EmergencyAccount, type StoragePlace } from '../../core/inventory/inventory';
import { findAccountByUpn } from '../../db/accounts';
import { findAuthenticatorByLabel } from '../../db/authenticators';
import { findPlaceByName } from '../../db/places';
import type { Session } from '../ports';
import { refuseUnapprovedBinding } from '../custody/binding';

/** What an enrolment is for: its label, place and account, all checked before any device is touched. */
export interface EnrolmentTarget {
  readonly label: string;
  readonly place: StoragePlace | undefined;
  readonly account: EmergencyAccount | undefined;
  /** An item of the same kind added by hand earlier, which the enrolment completes. */
  readonly existing: Authenticator | undefined;
}

export function enrolmentTarget(session: Pick<Session, 'db'>, input: Record<string, unknown>, kind: AuthenticatorKind, simulated: boolean): EnrolmentTarget {
  const label = parseText(input.label, 'label', { required: true, max: 80 });
  const placeName = parseText(input.place, 'place', { required: false, max: 80 });
  const accountUpn = input.account === undefined || input.account === '' ? '' : parseUpn(input.account, 'account');
  const { db } = session;
  const place = placeName ? findPlaceByName(db, placeName) : undefined;
  if (placeName && !place) throw new KeywardError('not_found', `no storage place named "${placeName}"; add it first`, 'place');
  const account = accountUpn ? findAccountByUpn(db, accountUpn) : undefined;
  if (accountUpn && !account) throw new KeywardError('not_found', `no emergency account ${accountUpn}; add it first`, 'account');
  const existing = findAuthenticatorByLabel(db, label);
  if (existing && (existing.kind !== kind || existing.enrolled || existing.simulated !== simulated)) {
    const why = existing.enrolled ? ' and is enrolled' : existing.kind !== kind ? ` (a ${existing.kind === 'fido2' ? 'FIDO2 key' : 'smartcard'})` : '';
    throw new KeywardError('conflict', `an authenticator labelled "${label}" already exists${why}`, 'label');
  }
  if (account && account.upn !== existing?.accountUpn) refuseUnapprovedBinding(session, label, simulated);
  return { label, place, account, existing };
}
