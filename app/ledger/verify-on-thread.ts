import { MessageChannel, Worker } from 'node:worker_threads';
import { KEYWARD_ERROR_CODES, KeywardError, type KeywardErrorCode } from '../../core/errors';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import type { KeywardDatabase } from '../../db/connection';
import type { ProgressReport } from '../ports';
import { parseExpectedHead, verifyStoredLedger } from './ledger';
import { walkersNativeBinding } from './ledger-walkers';
import { threadScript } from './thread-script';

/** What the verification thread is given. */
export interface VerifyOnThreadJob {
  readonly file: string;
  readonly expectHead?: string;
  readonly nativeBinding?: string;
}

/** What the verification thread posts: progress, then the verdict or what stopped it. */
export type VerifyOnThreadMessage =
  | { readonly progress: { readonly done: number; readonly of: number } }
  | { readonly verdict: LedgerVerification }
  | { readonly error: { readonly code?: string; readonly message: string } };

/**
 * verifyStoredLedger on a thread of its own, with a connection of its own to the same file: the
 * same verdict, while this thread (Electron's main) goes on answering and sends the progress on.
 * The expected head is checked here, before any thread starts. Where no thread can run it (a
 * database in memory, no thread script), it runs here, as it always did.
 */
export async function verifyStoredLedgerOnThread(db: KeywardDatabase, input: { expectHead?: unknown } = {}, progress?: ProgressReport): Promise<LedgerVerification> {
  const expectHead = parseExpectedHead(input.expectHead);
  const script = db.memory || !db.name ? undefined : threadScript('ledger-verify-worker');
  if (!script) return verifyStoredLedger(db, { expectHead }, progress);
  const job: VerifyOnThreadJob = { file: db.name, expectHead, nativeBinding: walkersNativeBinding() };
  return new Promise<LedgerVerification>((resolve, reject) => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(script.source, { eval: script.eval, execArgv: [], workerData: { port: port2, job }, transferList: [port2] });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      port1.close();
      void worker.terminate();
      outcome();
    };
    port1.on('message', (message: VerifyOnThreadMessage) => {
      if ('progress' in message) progress?.(message.progress.done, message.progress.of);
      else if ('verdict' in message) settle(() => resolve(message.verdict));
      else settle(() => reject(threadError(message.error)));
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the verification thread stopped (exit code ${code}) before its verdict`))));
  });
}

/** The error the thread met, as it would have been thrown here: a KeywardError keeps its code. */
const threadError = ({ code, message }: { code?: string; message: string }): Error =>
  code !== undefined && (KEYWARD_ERROR_CODES as readonly string[]).includes(code) ? new KeywardError(code as KeywardErrorCode, message) : new Error(message);
