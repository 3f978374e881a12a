import { enrolKey } from '../../app/enrolment';
import { addAccount, addAuthenticator, addCustodian, addPlace, listInventory, registerSeal } from '../../app/inventory';
import type { KeySource } from '../../app/key-sources';
import { recentEntries, verifyStoredLedger } from '../../app/ledger';
import type { Session } from '../../app/ports';
import { runPresenceCheck } from '../../app/presence-check';
import { readStatus } from '../../app/status';
import { listNetworkInterfaces, overrideClassification, proveNetworkPaths } from '../../app/netpath';
import type { DiscoveredInterface } from '../../app/netpath';
import { describeFinding } from '../../core/presence';
import type { KeywardEvents } from '../common/bridge';
import type { Channel, ChannelArgs, ChannelResults } from '../common/channels';

/** What a handler may use besides its arguments. */
export interface HandlerContext {
  readonly session: Session;
  /** Real keys over USB, or the drill store's software keys. */
  readonly keySources: { readonly real: () => KeySource; readonly drill: () => KeySource };
  readonly emit: <E extends keyof KeywardEvents>(event: E, payload: KeywardEvents[E]) => void;
  /** Where interfaces come from, and the CA bundle a private deployment trusts for the probe. */
  readonly network: { readonly discover?: () => Promise<DiscoveredInterface[]>; readonly caFile?: string; readonly targets?: readonly string[] };
}

type Handlers = { [C in Channel]: (context: HandlerContext, args: ChannelArgs<C>) => ChannelResults[C] | Promise<ChannelResults[C]> };

const sourceFor = (context: HandlerContext, simulated: boolean) => (simulated ? context.keySources.drill() : context.keySources.real());

/** Each channel's use case. Arguments arrive already shape-checked by the router. */
export const HANDLERS: Handlers = {
  'status:get': ({ session }) => readStatus(session.db, session.clock.now()),
  'inventory:list': ({ session }) => listInventory(session),
  'account:add': ({ session }, args) => addAccount(session, args),
  'place:add': ({ session }, args) => addPlace(session, args),
  'authenticator:add': ({ session }, args) => addAuthenticator(session, args),
  'custodian:add': ({ session }, args) => addCustodian(session, args),
  'seal:register': ({ session }, args) => registerSeal(session, args),
  'ledger:list': ({ session }, args) => recentEntries(session.db, args),
  'ledger:verify': ({ session }, args) => verifyStoredLedger(session.db, args),
  'key:enroll': (context, args) =>
    enrolKey(context.session, sourceFor(context, args.simulated), args, (step) => context.emit('key:progress', { job: 'enrol', index: 1, total: 1, label: args.label, step })),
  'netpath:interfaces': ({ session, network }) => listNetworkInterfaces(session, network.discover),
  'netpath:classify': ({ session }, args) => overrideClassification(session, args),
  'netpath:probe': ({ session, network }, args) => proveNetworkPaths(session, { targets: args.targets ?? network.targets, timeoutSeconds: args.timeoutSeconds, caFile: network.caFile }, network.discover),
  'presence:check': async (context, args) => {
    const results = await runPresenceCheck(context.session, sourceFor(context, args.simulated), { key: args.key }, (p) => context.emit('key:progress', { job: 'check', ...p }));
    return {
      ok: results.every((r) => r.result === 'ok'),
      results: results.map((r) => ({ ...r, findings: r.findings.map((f) => ({ ...f, text: describeFinding(f) })) })),
    };
  },
};
