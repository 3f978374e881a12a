import { addAccount, addAuthenticator, addCustodian, addPlace, listInventory, registerSeal } from '../../app/inventory';
import { recentEntries, verifyStoredLedger } from '../../app/ledger';
import type { Session } from '../../app/ports';
import { readStatus } from '../../app/status';
import type { Channel, ChannelArgs, ChannelResults } from '../common/channels';

type Handlers = { [C in Channel]: (session: Session, args: ChannelArgs<C>) => ChannelResults[C] };

/** Each channel's use case. Arguments arrive already shape-checked by the router. */
export const HANDLERS: Handlers = {
  'status:get': (s) => readStatus(s.db),
  'inventory:list': (s) => listInventory(s),
  'account:add': (s, args) => addAccount(s, args),
  'place:add': (s, args) => addPlace(s, args),
  'authenticator:add': (s, args) => addAuthenticator(s, args),
  'custodian:add': (s, args) => addCustodian(s, args),
  'seal:register': (s, args) => registerSeal(s, args),
  'ledger:list': (s, args) => recentEntries(s.db, args),
  'ledger:verify': (s, args) => verifyStoredLedger(s.db, args),
};
