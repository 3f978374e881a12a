import type { ReactNode } from 'react';

/** Four tones, the same on every screen: fine, needs a look, wrong, and neither (retired, unknown). */
export type Tone = 'ok' | 'warning' | 'critical' | 'neutral';

export function StatusChip({ tone, children, title }: { readonly tone: Tone; readonly children: ReactNode; readonly title?: string }) {
  return (
    <span className={`chip chip-${tone}`} title={title}>
      {children}
    </span>
  );
}

const TONES: Readonly<Record<string, Tone>> = {
  ok: 'ok',
  pass: 'ok',
  met: 'ok',
  up: 'ok',
  in_safe: 'ok',
  attested: 'ok',
  anomaly: 'critical',
  missing: 'critical',
  fail: 'critical',
  failed: 'critical',
  not_met: 'critical',
  lost: 'critical',
  common_failure: 'critical',
  checked_out: 'warning',
  waived: 'warning',
  unknown: 'neutral',
  unproven: 'warning',
  retired: 'neutral',
};

/** The tone of a result or state word as the domain uses it (`ok`, `anomaly`, `checked_out`, …). */
export const toneOf = (word: string): Tone => TONES[word] ?? 'neutral';
