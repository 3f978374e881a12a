import { addAccount, addAuthenticator, addCustodian, addPlace, listInventory, registerSeal } from '../../app/inventory/inventory';
import type { Command } from '../command';
import { table } from '../format';

export const inventoryCommands: Command[] = [
  {
    path: ['account', 'add'],
    summary: 'Add an emergency access account to the inventory',
    options: {
      upn: { type: 'string', required: true, value: 'UPN', help: 'user principal name, e.g. bg1@contoso.onmicrosoft.com' },
      'object-id': { type: 'string', required: true, value: 'ID', help: 'Entra object id (GUID)' },
      label: { type: 'string', value: 'TEXT', help: 'display label' },
    },
    run: ({ options, session }) => {
      const account = addAccount(session(), { upn: options.upn, objectId: options['object-id'], label: options.label });
      return { value: account, human: `added emergency account ${account.upn} (${account.objectId})` };
    },
  },
  {
    path: ['account', 'list'],
    summary: 'List emergency access accounts',
    options: {},
    run: ({ session }) => {
      const { accounts } = listInventory(session());
      return { value: accounts, human: table(['UPN', 'OBJECT ID', 'LABEL'], accounts.map((a) => [a.upn, a.objectId, a.label])) };
    },
  },
  {
    path: ['place', 'add'],
    summary: 'Add a storage place (site, safe, slot)',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: 'name of the place, e.g. "HQ safe A"' },
      site: { type: 'string', value: 'TEXT', help: 'site or building' },
      safe: { type: 'string', value: 'TEXT', help: 'safe or cabinet' },
      slot: { type: 'string', value: 'TEXT', help: 'slot or compartment' },
    },
    run: ({ options, session }) => {
      const place = addPlace(session(), { name: options.name, site: options.site, safe: options.safe, slot: options.slot });
      return { value: place, human: `added storage place "${place.name}"` };
    },
  },
  {
    path: ['place', 'list'],
    summary: 'List storage places',
    options: {},
    run: ({ session }) => {
      const { places } = listInventory(session());
      return { value: places, human: table(['NAME', 'SITE', 'SAFE', 'SLOT'], places.map((p) => [p.name, p.site, p.safe, p.slot])) };
    },
  },
  {
    path: ['key', 'add'],
    summary: 'Add an authenticator (FIDO2 key or smartcard) by hand',
    options: {
      kind: { type: 'string', required: true, value: 'fido2|smartcard', help: 'what the authenticator is' },
      label: { type: 'string', required: true, value: 'TEXT', help: 'label written on the key or card' },
      serial: { type: 'string', value: 'TEXT', help: 'serial number, if known' },
      place: { type: 'string', value: 'NAME', help: 'storage place it is kept in' },
      account: { type: 'string', value: 'UPN', help: 'emergency account it is bound to' },
    },
    run: ({ options, session }) => {
      const key = addAuthenticator(session(), { kind: options.kind, label: options.label, serial: options.serial, place: options.place, account: options.account });
      return { value: key, human: `added ${key.kind} authenticator "${key.label}" (${key.state})` };
    },
  },
  {
    path: ['key', 'list'],
    summary: 'List authenticators with their state and place',
    options: {},
    run: ({ session }) => {
      const { authenticators } = listInventory(session());
      return {
        value: authenticators,
        human: table(
          ['LABEL', 'KIND', 'STATE', 'PLACE', 'ACCOUNT', 'SERIAL', 'MODEL', 'LAST CHECK'],
          authenticators.map((k) => [
            `${k.label}${k.simulated ? ' (drill)' : ''}`,
            k.kind,
            k.state,
            k.placeName,
            k.accountUpn,
            k.serial,
            k.model ?? (k.kind === 'fido2' ? 'not enrolled' : ''),
            k.lastCheckedAt ? `${k.lastResult} ${k.lastCheckedAt.slice(0, 16).replace('T', ' ')}Z` : 'never',
          ]),
        ),
      };
    },
  },
  {
    path: ['custodian', 'add'],
    summary: 'Add a custodian (a named person)',
    options: { name: { type: 'string', required: true, value: 'NAME', help: 'the custodian\'s full name' } },
    run: ({ options, session }) => {
      const custodian = addCustodian(session(), { name: options.name });
      return { value: custodian, human: `added custodian ${custodian.name}` };
    },
  },
  {
    path: ['custodian', 'list'],
    summary: 'List custodians',
    options: {},
    run: ({ session }) => {
      const { custodians } = listInventory(session());
      return { value: custodians, human: table(['NAME', 'ACTIVE', 'SINCE'], custodians.map((c) => [c.name, c.active ? 'yes' : 'no', c.createdAt])) };
    },
  },
  {
    path: ['seal', 'add'],
    summary: 'Register a tamper-evident seal bag by its serial',
    options: { serial: { type: 'string', required: true, value: 'SERIAL', help: 'serial printed on the bag' } },
    run: ({ options, session }) => {
      const seal = registerSeal(session(), { serial: options.serial });
      return { value: seal, human: `registered seal ${seal.serial}` };
    },
  },
  {
    path: ['seal', 'list'],
    summary: 'List registered seals',
    options: {},
    run: ({ session }) => {
      const { seals } = listInventory(session());
      return { value: seals, human: table(['SERIAL', 'STATE', 'HOLDS', 'REGISTERED'], seals.map((s) => [s.serial, s.state, s.holds, s.createdAt])) };
    },
  },
];
