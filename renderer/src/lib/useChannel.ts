import { useCallback, useEffect, useRef, useState } from 'react';
import type { Channel, ChannelArgs, ChannelResults, ReplyError } from '../../../electron/common/channels';
import { invoke, onLedgerAppended } from './ipc';
import { latestAnswers } from './latest-answer';

/** How often the status and the open findings are judged again, so that what falls due shows without a write. */
export const REJUDGE_EVERY_MS = 30_000;

/**
 * Loads a read channel, and loads it again whenever the ledger grows and, with `refreshEveryMs`,
 * on that interval. `loadedAt` is when the latest answer arrived. Only the answer to the latest
 * request is shown: one that main answers after a later one (two appends close together, or
 * arguments that changed meanwhile) is dropped.
 */
export function useChannel<C extends Channel>(channel: C, args: ChannelArgs<C>, options: { readonly refreshEveryMs?: number } = {}) {
  const [value, setValue] = useState<ChannelResults[C] | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [loadedAt, setLoadedAt] = useState<Date | undefined>(undefined);
  const key = JSON.stringify(args);
  const answers = useRef(latestAnswers());
  const reload = useCallback(async () => {
    const asked = await answers.current.ask(() => invoke(channel, JSON.parse(key) as ChannelArgs<C>));
    if (!asked.latest) return;
    const reply = asked.answer;
    if (reply.ok) {
      setValue(reply.value);
      setError(undefined);
      setLoadedAt(new Date());
    } else setError(reply.error);
  }, [channel, key]);
  useEffect(() => {
    void reload();
    return onLedgerAppended(() => void reload());
  }, [reload]);
  const { refreshEveryMs } = options;
  useEffect(() => {
    if (!refreshEveryMs) return undefined;
    const timer = setInterval(() => void reload(), refreshEveryMs);
    return () => clearInterval(timer);
  }, [reload, refreshEveryMs]);
  return { value, error, loadedAt, reload };
}
