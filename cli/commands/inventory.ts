import { addAccount, addAuthenticator, addCustodian, addPlace, listInventory, registerSeal } from '../../app/inventory/inventory';
import type { CommandModule } from '../command';
import { table } from '../format';

export const runs = {
  accountAdd: ({ options, session }) => {
    const account = addAccount(session(), { upn: options.upn, objectId: options['object-id'], label: options.label });
    return { value: account, human: `added emergency account ${account.upn} (${account.objectId})` };
  },
  accountList: ({ session }) => {
    const { accounts } = listInventory(session());
    return { value: accounts, human: table(['UPN', 'OBJECT ID', 'LABEL'], accounts.map((a) => [a.upn, a.objectId, a.label])) };
  },
  placeAdd: ({ options, session }) => {
    const place = addPlace(session(), { name: options.name, site: options.site, safe: options.safe, slot: options.slot });
    return { value: place, human: `added storage place "${place.name}"` };
  },
  placeList: ({ session }) => {
    const { places } = listInventory(session());
    return { value: places, human: table(['NAME', 'SITE', 'SAFE', 'SLOT'], places.map((p) => [p.name, p.site, p.safe, p.slot])) };
  },
  keyAdd: ({ options, session }) => {
    const key = addAuthenticator(session(), { kind: options.kind, label: options.label, serial: options.serial, place: options.place, account: options.account });
    return { value: key, human: `added ${key.kind} authenticator "${key.label}" (${key.state})` };
  },
  keyList: ({ session }) => {
    const { authenticators } = listInventory(session());
    return {
      value: authenticators,
      human: table(
        ['LABEL', 'KIND', 'STATE', 'PLACE', 'ACCOUNT', 'SERIAL', 'MODEL', 'LAST CHECK', 'NOTES'],
        authenticators.map((k) => [
          `${k.label}${k.simulated ? ' (drill)' : ''}`,
          k.kind,
          k.state,
          k.placeName,
          k.accountUpn,
          k.serial,
          k.metadata ? `${k.metadata.model} (${k.metadata.certification}, status ${k.metadata.status}; ${k.metadata.genuineness})` : (k.model ?? (k.kind === 'fido2' ? 'not enrolled' : '')),
          k.lastCheckedAt ? `${k.lastResult} ${k.lastCheckedAt.slice(0, 16).replace('T', ' ')}Z` : 'never',
          k.notes.join('; '),
        ]),
      ),
    };
  },
  custodianAdd: ({ options, session }) => {
    const custodian = addCustodian(session(), { name: options.name });
    return { value: custodian, human: `added custodian ${custodian.name}` };
  },
  custodianList: ({ session }) => {
    const { custodians } = listInventory(session());
    return { value: custodians, human: table(['NAME', 'ACTIVE', 'SINCE'], custodians.map((c) => [c.name, c.active ? 'yes' : 'no', c.createdAt])) };
  },
  sealAdd: ({ options, session }) => {
    const seal = registerSeal(session(), { serial: options.serial });
    return { value: seal, human: `registered seal ${seal.serial}` };
  },
  sealList: ({ session }) => {
    const { seals } = listInventory(session());
    return { value: seals, human: table(['SERIAL', 'STATE', 'HOLDS', 'REGISTERED'], seals.map((s) => [s.serial, s.state, s.holds, s.createdAt])) };
  },
} satisfies CommandModule['runs'];
