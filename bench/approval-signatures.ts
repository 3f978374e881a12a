// What ECDSA itself costs in a verification with approvals, for bench:ledger: the signatures a
// verification of the ledger sends to be checked, gathered once, then checked with node:crypto
// alone on one thread, with the keys already parsed (no walk, no inspector, no threads).
import { verify } from 'node:crypto';
import { verifyChainAndApprovals } from '../app/ledger/ledger';
import type { SignatureJob } from '../app/ledger/signature-checks';
import type { KeywardDatabase } from '../db/connection';

/** Every custodian's signature a verification of the ledger checks, as it sends them. */
export function signaturesOf(db: KeywardDatabase): SignatureJob[] {
  const jobs: SignatureJob[] = [];
  const result = verifyChainAndApprovals(db, { signatures: { check: (job) => void jobs.push(job), lateFinding: () => undefined, close: () => undefined } });
  if (!result.ok) throw new Error(`verification failed: ${result.message}`);
  return jobs;
}

/** Checks each signature with crypto.verify and its parsed key, as a checking thread does, here. */
export function verifyEach(jobs: readonly SignatureJob[]): void {
  for (const job of jobs) {
    if (!verify('sha256', job.signed, { key: job.key.publicKey, dsaEncoding: 'der' }, job.signature)) throw new Error(`the signature of entry ${job.seq} does not verify`);
  }
}
