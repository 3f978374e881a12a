import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignaturesInParallel, checkSignaturesNow, type SignatureJob, type SignatureKey } from './signature-checks';

const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = pair.publicKey.export({ format: 'jwk' });
const key: SignatureKey = { id: 1, publicKey: pair.publicKey, x: jwk.x!, y: jwk.y! };
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** `count` real ES256 signatures, one per entry; those at `bad` are made with another key. */
function jobs(count: number, bad: readonly number[]): SignatureJob[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const signed = Buffer.from(`entry ${seq}`);
    const signature = sign('sha256', signed, { key: bad.includes(seq) ? other.privateKey : pair.privateKey, dsaEncoding: 'der' });
    return { seq, prevHash: `hash of ${seq - 1}`, problem: `the witness's signature does not verify`, key, signed, signature };
  });
}

describe('signature checks', () => {
  it('checks a signature here and now, saying what is wrong with a bad one', () => {
    const [good, bad] = [jobs(1, [])[0]!, jobs(1, [1])[0]!];
    const here = checkSignaturesNow();
    expect(here.check(good)).toBeUndefined();
    expect(here.check(bad)).toBe("the witness's signature does not verify");
    expect(here.lateFinding()).toBeUndefined();
  });

  it('spreads signatures across worker threads and names the earliest entry whose signature fails', () => {
    const checks = checkSignaturesInParallel({ threads: 2, threadsFrom: 10 });
    try {
      const all = jobs(700, [420, 333, 690]);
      // The first ten are checked at once, as a small ledger's are; the rest go to the threads.
      expect(all.map((job) => checks.check(job)).filter(Boolean)).toEqual([]);
      expect(checks.lateFinding()).toEqual({ seq: 333, headHash: 'hash of 332', message: "the witness's signature does not verify" });
    } finally {
      checks.close();
    }
  });

  it('names a bad signature among the first few at once, before any thread starts', () => {
    const checks = checkSignaturesInParallel({ threads: 2, threadsFrom: 10 });
    try {
      expect(jobs(5, [4]).map((job) => checks.check(job))).toEqual([undefined, undefined, undefined, "the witness's signature does not verify", undefined]);
      expect(checks.lateFinding()).toBeUndefined();
    } finally {
      checks.close();
    }
  });

  it('finds nothing wrong with a ledger whose every signature verifies, and says so after all have come back', () => {
    const checks = checkSignaturesInParallel({ threads: 2, threadsFrom: 0 });
    try {
      for (const job of jobs(300, [])) checks.check(job);
      expect(checks.lateFinding()).toBeUndefined();
    } finally {
      checks.close();
    }
  });

  it('checks batches here when the threads fall behind, and still names the earliest failing entry', () => {
    const checks = checkSignaturesInParallel({ threads: 1, threadsFrom: 0, inFlight: 1 });
    try {
      const all = jobs(400, [390, 70, 200]);
      expect(all.map((job) => checks.check(job)).filter(Boolean)).toEqual([]);
      expect(checks.lateFinding()).toEqual({ seq: 70, headHash: 'hash of 69', message: "the witness's signature does not verify" });
    } finally {
      checks.close();
    }
  });
});
