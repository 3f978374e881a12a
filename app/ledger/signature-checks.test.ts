import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignaturesInParallel, checkSignaturesNow, type SignatureJob, type SignatureKey } from './signature-checks';

const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = pair.publicKey.export({ format: 'jwk' });
const key: SignatureKey = { id: 1, publicKey: pair.publicKey, x: jwk.x!, y: jwk.y! };
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** `count` real ES256 signatures, one per entry; those at `bad` are made with another key. */
function jobs(count: number, bad: readonly number[], signer = pair, signerKey = key): SignatureJob[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const signed = Buffer.from(`entry ${seq}`);
    const signature = sign('sha256', signed, { key: bad.includes(seq) ? other.privateKey : signer.privateKey, dsaEncoding: 'der' });
    return { seq, prevHash: `hash of ${seq - 1}`, problem: `the witness's signature does not verify`, key: signerKey, signed, signature };
  });
}

/** Checks every job on threads from the first, and says what was found once all have come back. */
function verdictOnThreads(all: readonly SignatureJob[]) {
  const checks = checkSignaturesInParallel({ threads: 2, threadsFrom: 0 });
  try {
    expect(all.map((job) => checks.check(job)).filter(Boolean)).toEqual([]);
    return checks.lateFinding();
  } finally {
    checks.close();
  }
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

  it('keeps its threads for the next verification, which checks with its own keys even where they share an id', () => {
    expect(verdictOnThreads(jobs(300, [150]))).toMatchObject({ seq: 150 });
    // Another ledger's custodian, whose key got the same id there: the threads must not check with the last one's.
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const coordinates = stranger.publicKey.export({ format: 'jwk' });
    const strangerKey: SignatureKey = { id: key.id, publicKey: stranger.publicKey, x: coordinates.x!, y: coordinates.y! };
    expect(verdictOnThreads(jobs(300, [], stranger, strangerKey))).toBeUndefined();
    expect(verdictOnThreads(jobs(300, [299], stranger, strangerKey))).toMatchObject({ seq: 299 });
  });

  it('does not take the verdicts a verification left with the threads, closed before they came back, as the next one\'s', () => {
    const abandoned = checkSignaturesInParallel({ threads: 2, threadsFrom: 0 });
    jobs(256, [1, 64, 65, 128, 129, 200]).forEach((job) => abandoned.check(job));
    abandoned.close();
    expect(verdictOnThreads(jobs(256, []))).toBeUndefined();
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
