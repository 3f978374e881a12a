import type { KeywardBridge, Reply } from '../../../electron/common/bridge';
import type { Channel, ChannelArgs, ChannelResults } from '../../../electron/common/channels';

declare global {
  interface Window {
    readonly keyward: KeywardBridge;
  }
}

/** Calls main through the preload's bridge; a missing bridge is reported, not thrown. */
export async function invoke<C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<Reply<ChannelResults[C]>> {
  if (!window.keyward) return { ok: false, error: { code: 'no_bridge', message: 'Keyward is not connected to its main process' } };
  try {
    return await window.keyward.invoke(channel, args);
  } catch (error) {
    return { ok: false, error: { code: 'ipc_failed', message: error instanceof Error ? error.message : 'the request failed' } };
  }
}

export const onLedgerAppended = (listener: () => void): (() => void) => (window.keyward ? window.keyward.on('ledger:appended', listener) : () => undefined);
