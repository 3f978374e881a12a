import { useCallback, useEffect, useState } from 'react';
import type { Channel, ChannelArgs, ChannelResults, ReplyError } from '../../../electron/common/channels';
import { invoke, onLedgerAppended } from './ipc';

/** Loads a read channel, and loads it again whenever the ledger grows. */
export function useChannel<C extends Channel>(channel: C, args: ChannelArgs<C>) {
  const [value, setValue] = useState<ChannelResults[C] | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const key = JSON.stringify(args);
  const reload = useCallback(async () => {
    const reply = await invoke(channel, JSON.parse(key) as ChannelArgs<C>);
    if (reply.ok) {
      setValue(reply.value);
      setError(undefined);
    } else setError(reply.error);
  }, [channel, key]);
  useEffect(() => {
    void reload();
    return onLedgerAppended(() => void reload());
  }, [reload]);
  return { value, error, reload };
}
