import { KeywardError, isKeywardError } from '../../core/errors';
import type { Session } from '../../app/ports';
import { WRITING_CHANNELS, isChannel, type KeywardEvents, type Reply } from '../common/bridge';
import type { CardSource } from '../../app/cards/card-sources';
import type { KeySource } from '../../app/presence/key-sources';
import { CHANNELS, type Channel } from '../common/channels';
import { HANDLERS, type HandlerContext } from './handlers';

export interface Sender {
  /** URL of the frame that sent the message. */
  readonly url: string;
}

export interface RouterOptions {
  readonly session: Session;
  /** The only origin whose frames may call in, e.g. `app://keyward`. */
  readonly trustedOrigin: string;
  readonly keySources?: HandlerContext['keySources'];
  readonly cardSources?: HandlerContext['cardSources'];
  readonly network?: HandlerContext['network'];
  readonly reports?: HandlerContext['reports'];
  readonly files?: HandlerContext['files'];
  readonly drillTouch?: HandlerContext['drillTouch'];
  /** Sends an event to the renderer (progress of long jobs). */
  readonly emit?: <E extends keyof KeywardEvents>(event: E, payload: KeywardEvents[E]) => void;
  /** Told after each successful write, so main can announce the new head. */
  readonly onLedgerAppended?: (channel: Channel) => void;
  /** Told of failures that are not the caller's fault (logged by main; never sent to the renderer). */
  readonly onInternalError?: (channel: Channel, error: unknown) => void;
}

export interface IpcRouter {
  handle(channel: unknown, args: unknown, sender: Sender): Promise<Reply<unknown>>;
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

const refuse = (code: string, message: string, field?: string): Reply<never> => ({ ok: false, error: field ? { code, message, field } : { code, message } });
export { refuse as refusal };

/** What every call passes before anything runs: a trusted sender and a known channel. */
export function admitSender(trustedOrigin: string, channel: unknown, sender: Sender): Reply<never> | { readonly channel: Channel } {
  if (originOf(sender.url) !== trustedOrigin) return refuse('forbidden_sender', `calls from ${sender.url || 'an unknown frame'} are refused`);
  if (!isChannel(channel)) return refuse('unknown_channel', `there is no channel ${JSON.stringify(channel)}`);
  return { channel };
}

/** The arguments, checked against the channel map; the first problem is named with its field. */
export function admitArguments(channel: Channel, args: unknown): Reply<never> | { readonly args: unknown } {
  const parsed = CHANNELS[channel].safeParse(args ?? {});
  if (parsed.success) return { args: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const keys = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
  const message = keys ? `unexpected field(s) ${keys} for ${channel}` : `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid arguments'}`;
  return refuse('invalid_input', message, field ?? keys);
}

/** A failed use case as its reply: the domain's own error, a busy database, or an internal error that only main's log sees. */
export function replyToFailure(channel: Channel, error: unknown, onInternalError?: (channel: Channel, error: unknown) => void): Reply<never> {
  if (isKeywardError(error)) return refuse(error.code, error.message, error.field);
  if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) {
    return refuse('busy', 'the database stayed busy for 5 s: another Keyward process (an import, a check) is writing to it; nothing was changed — try again when it has finished');
  }
  onInternalError?.(channel, error);
  return refuse('internal_error', 'Keyward could not complete this request; nothing was changed');
}

/**
 * Checks the sender, validates the arguments against the channel map, runs the use case, and
 * turns every outcome into a reply. Nothing reaches a use case unvalidated; no exception escapes.
 */
export function createIpcRouter(options: RouterOptions): IpcRouter {
  const context: HandlerContext = {
    session: options.session,
    keySources: options.keySources ?? { real: noKeys, drill: noKeys, drillCustodians: noKeys },
    cardSources: options.cardSources ?? { real: noCards, drill: noCards },
    emit: options.emit ?? (() => undefined),
    drillTouch: options.drillTouch,
    network: options.network ?? {},
    reports: options.reports ?? {},
    files: options.files ?? {},
  };
  return {
    async handle(name, args, sender) {
      const admitted = admitSender(options.trustedOrigin, name, sender);
      if ('ok' in admitted) return admitted;
      const { channel } = admitted;
      const checked = admitArguments(channel, args);
      if ('ok' in checked) return checked;
      try {
        const handler = HANDLERS[channel] as (context: HandlerContext, args: unknown) => unknown;
        const value = await handler(context, checked.args);
        if (options.onLedgerAppended && WRITING_CHANNELS.has(channel)) options.onLedgerAppended(channel);
        return { ok: true, value };
      } catch (error) {
        return replyToFailure(channel, error, options.onInternalError);
      }
    },
  };
}

/** Without key sources (a router for screens that need no hardware), asking for a key is an error. */
function noKeys(): KeySource {
  throw new KeywardError('not_found', 'this window has no access to keys');
}

function noCards(): CardSource {
  throw new KeywardError('not_found', 'this window has no access to smartcard readers');
}
