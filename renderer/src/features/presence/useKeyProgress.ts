import { useEffect, useState } from 'react';
import type { KeywardEvents } from '../../../../electron/common/bridge';

export type KeyProgress = KeywardEvents['key:progress'];

/** Follows main's progress events for the enrol and check jobs. */
export function useKeyProgress(job: KeyProgress['job']): [KeyProgress | undefined, () => void] {
  const [progress, setProgress] = useState<KeyProgress | undefined>(undefined);
  useEffect(() => {
    if (!window.keyward) return undefined;
    return window.keyward.on('key:progress', (p) => {
      if (p.job === job) setProgress(p);
    });
  }, [job]);
  return [progress, () => setProgress(undefined)];
}

/** What the person at the desk should do now, in words. */
export function describeProgress(p: KeyProgress, drill: boolean): string {
  const at = p.total > 1 ? `${p.index} of ${p.total} — ` : '';
  if (p.kind === 'smartcard' && p.step === 'connecting') return drill ? `${at}looking for the drill card ${p.label}…` : `${at}insert the card labelled ${p.label} into a reader`;
  if (p.kind === 'smartcard' && p.step === 'verifying') return `${at}${p.label}: proving possession with the Card Authentication key…`;
  switch (p.step) {
    case 'connecting':
      return drill ? `${at}opening the drill key ${p.label}…` : `${at}plug in the key labelled ${p.label}`;
    case 'reading':
      return `${at}reading ${p.label} (no PIN is asked for)…`;
    case 'touch':
      return `${at}touch the key labelled ${p.label}`;
    case 'verifying':
      return `${at}verifying ${p.label}…`;
    case 'saved':
      return `${p.label} enrolled`;
    case 'done':
      return `${at}${p.label}: ${p.result?.toUpperCase() ?? 'done'}`;
  }
}
