// What every bench prints: its work, its baseline, the ratio as the median and spread over
// interleaved repetitions, and the goal; and one machine-readable line that `npm run bench`
// gathers into its table. Only ratios within one run are compared, never absolute times.
import { performance } from 'node:perf_hooks';

export const REPETITIONS = Math.max(5, Number(process.env.BENCH_REPETITIONS ?? 5));

export const time = (work: () => void): number => {
  const start = performance.now();
  work();
  return performance.now() - start;
};

/** Runs each side once per round, alternating which goes first, so both see the same machine. */
export function interleaved<K extends string>(sides: Record<K, () => void>, rounds = REPETITIONS): Record<K, number[]> {
  const names = Object.keys(sides) as K[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) times[name].push(time(sides[name]));
  }
  return times;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface Score {
  /** Short name for the table. */
  readonly name: string;
  /** What was measured, with its size. */
  readonly work: string;
  /** What it is measured against. */
  readonly baseline: string;
  /** One ratio per repetition, each from the same round (higher is better when `atLeast`). */
  readonly ratios: readonly number[];
  /** The goal: the median ratio must be at least (or at most) this. */
  readonly goal: { readonly atLeast: number } | { readonly atMost: number };
  /** Other figures worth stating (memory, sizes), printed after the ratio. */
  readonly notes?: readonly string[];
}

/** Ratios of throughput, work against baseline, round by round: baseline time over work time. */
export const throughputRatios = (work: readonly number[], baseline: readonly number[]): number[] => work.map((w, i) => baseline[i]! / w);

export function report(score: Score): void {
  const m = median(score.ratios);
  const min = Math.min(...score.ratios);
  const max = Math.max(...score.ratios);
  const goal = 'atLeast' in score.goal ? `>= ${score.goal.atLeast}x` : `<= ${score.goal.atMost}x`;
  const met = 'atLeast' in score.goal ? m >= score.goal.atLeast : m <= score.goal.atMost;
  console.log(`${score.name}`);
  console.log(`  work:     ${score.work}`);
  console.log(`  baseline: ${score.baseline}`);
  console.log(`  ratio:    ${m.toFixed(2)}x median, ${min.toFixed(2)}–${max.toFixed(2)}x over ${score.ratios.length} interleaved repetitions (goal ${goal}: ${met ? 'met' : 'NOT MET'})`);
  for (const note of score.notes ?? []) console.log(`  ${note}`);
  console.log(`BENCH-RESULT ${JSON.stringify({ name: score.name, median: m, min, max, goal, met, notes: score.notes ?? [] })}`);
}
