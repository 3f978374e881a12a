import { deactivateCustodian, enrolCustodianKey, foundCircle, replaceCustodianKey } from '../../app/custody/circle';
import { bindAuthenticator, retireAuthenticator, unbindAuthenticator } from '../../app/custody/binding';
import { checkOut, countersign, listCustody, returnItem, sealItem, type ApprovalStep, type CustodySources } from '../../app/custody/custody';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import { drillCardSource, pcscCardSource } from '../../app/cards/card-sources';
import type { CommandContext, CommandModule } from '../command';
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

const custodianKeys = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db, { store: 'custodians' }) : hidKeySource());
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export const runs = {
  custodianFound: async (context) => {
    const { options, io } = context;
    const founders = await foundCircle(context.session(), custodianKeys(context), { first: options.first, second: options.second }, (name) => io.stderr(`${name}: touch your key now\n`));
    return { value: founders, human: `${founders.map((c) => c.name).join(' and ')} founded the circle of custodians` };
  },
  custodianEnroll: async (context) => {
    const { options, io } = context;
    const custodian = await enrolCustodianKey(context.session(), custodianKeys(context), { name: options.name, approvers: listOf(options.approver) }, () => io.stderr(`${String(options.name)}: touch your new key now\n`), announce(context));
    return { value: custodian, human: `enrolled ${custodian.name}'s key` };
  },
  custodianDeactivate: async (context) => {
    const { options } = context;
    const custodian = await deactivateCustodian(context.session(), custodianKeys(context), { name: options.name, reason: options.reason, approvers: listOf(options.approver) }, announce(context));
    return { value: custodian, human: `deactivated ${custodian.name}; a validation is now due` };
  },
  custodianReplaceKey: async (context) => {
    const { options, io } = context;
    const custodian = await replaceCustodianKey(context.session(), custodianKeys(context), { name: options.name, reason: options.reason, approvers: listOf(options.approver) }, () => io.stderr(`${String(options.name)}: touch your new key now\n`), announce(context));
    return { value: custodian, human: `replaced ${custodian.name}'s key; the old one approves nothing from now on` };
  },
  keyBind: async (context) => {
    const { options } = context;
    const { entry } = await bindAuthenticator(context.session(), custodianKeys(context), { item: options.item, account: options.account, reason: options.reason, approvers: listOf(options.approver) }, announce(context));
    return { value: entry, human: `bound ${String(options.item)} to ${String(options.account)} (ledger entry ${entry.seq})` };
  },
  keyUnbind: async (context) => {
    const { options } = context;
    const { entry } = await unbindAuthenticator(context.session(), custodianKeys(context), { item: options.item, reason: options.reason, approvers: listOf(options.approver) }, announce(context));
    return { value: entry, human: `unbound ${String(options.item)} (ledger entry ${entry.seq})` };
  },
  keyRetire: async (context) => {
    const { options } = context;
    const { entry } = await retireAuthenticator(context.session(), custodianKeys(context), { item: options.item, reason: options.reason, approvers: listOf(options.approver) }, announce(context));
    return { value: entry, human: `retired ${String(options.item)} (ledger entry ${entry.seq})` };
  },
  sealApply: ({ options, session }) => {
    const seal = sealItem(session(), { item: options.item, serial: options.serial });
    return { value: seal, human: `${seal.holds} is sealed under ${seal.serial}` };
  },
  checkout: async (context) => {
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
  return: async (context) => {
    const { options } = context;
    const { entry, presence } = await returnItem(context.session(), sources(context), { item: options.item, custodian: options.custodian, witness: options.witness, newSeal: options['new-seal'] }, announce(context));
    const flagged = presence !== undefined && presence.result !== 'ok';
    return {
      value: { entry, presence },
      human: `returned ${options.item} under seal ${String(options['new-seal']).toUpperCase()}${presence ? `; presence check ${presence.result.toUpperCase()}${'signCountDelta' in presence ? `, counter +${presence.signCountDelta ?? '?'}` : ''}` : ''}`,
      exitCode: flagged ? 2 : 0,
    };
  },
  countersign: async (context) => {
    const { options } = context;
    const { entry } = await countersign(context.session(), sources(context), { item: options.item, custodian: options.custodian }, announce(context));
    return { value: entry, human: `countersigned by ${options.custodian} (ledger entry ${entry.seq})` };
  },
  custodyList: ({ options, session }) => {
    const list = listCustody(session(), { open: options.open === true, overdue: options.overdue === true });
    return {
      value: list,
      human: table(
        ['ITEM', 'CUSTODIAN', 'WITNESS', 'REASON', 'OUT SINCE', 'EXPECTED BACK', 'RETURNED', 'FLAGS'],
        list.map((c) => [c.label, c.custodian, c.witness ?? 'none', c.reason, c.checkedOutAt, c.expectedReturnAt, c.returnedAt ?? '', [c.overdue ? 'OVERDUE' : '', c.awaitingCountersign ? 'NO WITNESS' : ''].filter(Boolean).join(' ')]),
      ),
    };
  },
} satisfies CommandModule['runs'];
