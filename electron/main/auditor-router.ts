import { auditorOverview, type AuditorBinding } from '../../app/audit/auditor';
import { auditorLedgerPage, auditorSite } from '../../app/audit/auditor-view';
import { WRITING_CHANNELS } from '../common/bridge';
import type { Channel, ChannelArgs, ChannelResults } from '../common/channels';
import { admitArguments, admitSender, refusal, replyToFailure, type IpcRouter } from './router';

export interface AuditorRouterOptions {
  /** The auditor database the window was opened on (`--auditor FILE`). */
  readonly auditorPath: string;
  /** better-sqlite3's addon built for Electron (main's own copy), as the site's database gets it. */
  readonly nativeBinding?: string;
  /** The only origin whose frames may call in, e.g. `app://keyward`. */
  readonly trustedOrigin: string;
  readonly onInternalError?: (channel: Channel, error: unknown) => void;
}

type AuditorChannel = 'auditor:sites' | 'auditor:site' | 'auditor:ledger';
type AuditorHandlers = { [C in AuditorChannel]: (path: string, args: ChannelArgs<C>, binding: AuditorBinding) => ChannelResults[C] };

/** The only channels an auditor's window answers: each reads the auditor database and nothing else. */
const AUDITOR_HANDLERS: AuditorHandlers = {
  'auditor:sites': (path, _args, binding) => ({ path, sites: auditorOverview(path, binding) }),
  'auditor:site': (path, args, binding) => auditorSite(path, args.siteId, binding),
  'auditor:ledger': (path, args, binding) => auditorLedgerPage(path, args, binding),
};

const isAuditorChannel = (channel: Channel): channel is AuditorChannel => Object.hasOwn(AUDITOR_HANDLERS, channel);

/**
 * The router of a window opened on an auditor database. It has no site database, keys, readers
 * or network: a channel that writes to a ledger is refused as such before its arguments are even
 * read, and a site's own read channels are refused too, so nothing but the auditor's view runs.
 */
export function createAuditorRouter(options: AuditorRouterOptions): IpcRouter {
  return {
    async handle(name, args, sender) {
      const admitted = admitSender(options.trustedOrigin, name, sender);
      if ('ok' in admitted) return admitted;
      const { channel } = admitted;
      if (WRITING_CHANNELS.has(channel)) return refusal('read_only', `${channel} would change a site's ledger; an auditor's window only reads the sites' bundles`);
      if (!isAuditorChannel(channel)) return refusal('not_in_auditor_mode', `${channel} reads a site's own database; this window holds an auditor database`);
      const checked = admitArguments(channel, args);
      if ('ok' in checked) return checked;
      try {
        const handler = AUDITOR_HANDLERS[channel] as (path: string, args: unknown, binding: AuditorBinding) => unknown;
        return { ok: true, value: handler(options.auditorPath, checked.args, { nativeBinding: options.nativeBinding }) };
      } catch (error) {
        return replyToFailure(channel, error, options.onInternalError);
      }
    },
  };
}
