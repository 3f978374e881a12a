import { deactivateCustodian, enrolCustodianKey, foundCircle } from '../../app/custody/circle';
import { checkOut, countersign, listCustody, returnItem, sealItem, type ApprovalStep, type CustodySources } from '../../app/custody/custody';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import { drillCardSource, pcscCardSource } from '../../app/cards/card-sources';
import type { Command, CommandContext } from '../command';
import { table } from '../format';
import { KeywardError } from '../../core/errors';

function sources(context: CommandContext): CustodySources {
  if (context.options.simulated === true) {
    const db = context.session().db;
    return { custodianKeys: drillKeySource(db, { store: 'custodians' }), emergencyKeys: drillKeySource(db), emergencyCards: drillCardSource(db) };
  }
  return { custodianKeys: hidKeySource(), emergencyKeys: hidKeySource(), emergencyCards: pcscCardSource() };
}

const announce = (context: CommandContext) => (step: ApprovalStep) =>
  context.io.stderr(step.step === 'touch' ? `${step.role} ${step.name}: touch your key now\n` : `${step.role} ${step.name}: approved\n`);

const simulated = { type: 'boolean' as const, help: 'use drill keys from the drill store (for drills and scripted rehearsals)' };
const custodianKeys = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db, { store: 'custodians' }) : hidKeySource());
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export const custodyCommands: Command[] = [
  {
    path: ['custodian', 'found'],
    summary: 'The first two custodians found the circle of trust together, each with their own FIDO2 key',
    options: {
      first: { type: 'string', required: true, value: 'NAME', help: 'the first custodian' },
      second: { type: 'string', required: true, value: 'NAME', help: 'the second custodian' },
      simulated,
    },
    run: async (context) => {
      const { options, io } = context;
      const founders = await foundCircle(context.session(), custodianKeys(context), { first: options.first, second: options.second }, (name) => io.stderr(`${name}: touch your key now\n`));
      return { value: founders, human: `${founders.map((c) => c.name).join(' and ')} founded the circle of custodians` };
    },
  },
  {
    path: ['custodian', 'enroll'],
    summary: 'A new custodian registers their own FIDO2 key, approved by two custodians touching theirs',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: "the new custodian's full name" },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'an existing custodian who approves (give two)' },
      simulated,
    },
    run: async (context) => {
      const { options, io } = context;
      const custodian = await enrolCustodianKey(context.session(), custodianKeys(context), { name: options.name, approvers: listOf(options.approver) }, () => io.stderr(`${String(options.name)}: touch your new key now\n`), announce(context));
      return { value: custodian, human: `enrolled ${custodian.name}'s key` };
    },
  },
  {
    path: ['custodian', 'deactivate'],
    summary: 'Deactivate a custodian (staff change), approved by two other custodians: they can no longer approve',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: "the custodian's full name" },
      reason: { type: 'string', value: 'TEXT', help: 'why' },
      approver: { type: 'string', required: true, multiple: true, value: 'NAME', help: 'another custodian who approves (give two)' },
      simulated,
    },
    run: async (context) => {
      const { options } = context;
      const custodian = await deactivateCustodian(context.session(), custodianKeys(context), { name: options.name, reason: options.reason, approvers: listOf(options.approver) }, announce(context));
      return { value: custodian, human: `deactivated ${custodian.name}; a validation is now due` };
    },
  },
  {
    path: ['seal', 'apply'],
    summary: 'Record the seal an item in the safe is stored under (when none is recorded yet)',
    options: { item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' }, serial: { type: 'string', required: true, value: 'SERIAL', help: 'the registered, unused seal' } },
    run: ({ options, session }) => {
      const seal = sealItem(session(), { item: options.item, serial: options.serial });
      return { value: seal, human: `${seal.holds} is sealed under ${seal.serial}` };
    },
  },
  {
    path: ['checkout'],
    summary: 'Check an item out of the safe: custodian and witness approve with their own keys',
    options: {
      item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' },
      custodian: { type: 'string', required: true, value: 'NAME', help: 'who takes it' },
      witness: { type: 'string', value: 'NAME', help: 'a second custodian (required unless --without-witness)' },
      reason: { type: 'string', required: true, value: 'REASON', help: 'drill, emergency, maintenance or audit' },
      ticket: { type: 'string', value: 'REF', help: 'ticket or change reference' },
      'expected-return': { type: 'string', required: true, value: 'WHEN', help: 'date-time with zone (2026-11-26T17:00+01:00) or hours (8h)' },
      'broken-seal': { type: 'string', required: true, value: 'SERIAL', help: 'serial of the seal broken to open the bag' },
      'seal-intact': { type: 'boolean', help: 'the seal was intact before it was broken' },
      'seal-tampered': { type: 'boolean', help: 'the seal was already damaged or tampered with' },
      'without-witness': { type: 'boolean', help: 'a real emergency with one custodian; stays flagged until countersigned' },
      'seal-mismatch': { type: 'boolean', help: 'the item was found under another seal than the one recorded: check it out anyway, as a critical finding' },
      simulated,
    },
    run: async (context) => {
      const { options } = context;
      if ((options['seal-intact'] === true) === (options['seal-tampered'] === true)) throw new KeywardError('invalid_input', 'say either --seal-intact or --seal-tampered', 'sealIntact');
      const { checkout } = await checkOut(
        context.session(),
        sources(context),
        {
          item: options.item,
          custodian: options.custodian,
          witness: options.witness,
          reason: options.reason,
          ticket: options.ticket,
          expectedReturn: options['expected-return'],
          brokenSeal: options['broken-seal'],
          sealIntact: options['seal-intact'] === true,
          withoutWitness: options['without-witness'] === true,
          sealMismatch: options['seal-mismatch'] === true,
        },
        announce(context),
      );
      return { value: checkout, human: `checked out ${checkout.label} to ${checkout.custodian}${checkout.witness ? `, witnessed by ${checkout.witness}` : ' WITHOUT A WITNESS (countersignature needed)'}; expected back ${checkout.expectedReturnAt}` };
    },
  },
  {
    path: ['return'],
    summary: 'Return an item: presence-checked, new seal recorded, custodian and witness approve',
    options: {
      item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the key or smartcard' },
      custodian: { type: 'string', required: true, value: 'NAME', help: 'who returns it' },
      witness: { type: 'string', required: true, value: 'NAME', help: 'a second custodian' },
      'new-seal': { type: 'string', required: true, value: 'SERIAL', help: 'serial of the new seal on the bag' },
      simulated,
    },
    run: async (context) => {
      const { options } = context;
      const { entry, presence } = await returnItem(context.session(), sources(context), { item: options.item, custodian: options.custodian, witness: options.witness, newSeal: options['new-seal'] }, announce(context));
      const flagged = presence !== undefined && presence.result !== 'ok';
      return {
        value: { entry, presence },
        human: `returned ${options.item} under seal ${String(options['new-seal']).toUpperCase()}${presence ? `; presence check ${presence.result.toUpperCase()}${'signCountDelta' in presence ? `, counter +${presence.signCountDelta ?? '?'}` : ''}` : ''}`,
        exitCode: flagged ? 2 : 0,
      };
    },
  },
  {
    path: ['countersign'],
    summary: 'Countersign an emergency checkout that went without a witness',
    options: { item: { type: 'string', required: true, value: 'LABEL|ID', help: 'the item' }, custodian: { type: 'string', required: true, value: 'NAME', help: 'the second custodian' }, simulated },
    run: async (context) => {
      const { options } = context;
      const { entry } = await countersign(context.session(), sources(context), { item: options.item, custodian: options.custodian }, announce(context));
      return { value: entry, human: `countersigned by ${options.custodian} (ledger entry ${entry.seq})` };
    },
  },
  {
    path: ['custody', 'list'],
    summary: 'Checkouts: all, open, or overdue',
    options: { open: { type: 'boolean', help: 'only items that are out' }, overdue: { type: 'boolean', help: 'only items past their expected return' } },
    run: ({ options, session }) => {
      const list = listCustody(session(), { open: options.open === true, overdue: options.overdue === true });
      return {
        value: list,
        human: table(
          ['ITEM', 'CUSTODIAN', 'WITNESS', 'REASON', 'OUT SINCE', 'EXPECTED BACK', 'RETURNED', 'FLAGS'],
          list.map((c) => [c.label, c.custodian, c.witness ?? 'none', c.reason, c.checkedOutAt, c.expectedReturnAt, c.returnedAt ?? '', [c.overdue ? 'OVERDUE' : '', c.awaitingCountersign ? 'NO WITNESS' : ''].filter(Boolean).join(' ')]),
        ),
      };
    },
  },
];
