// The thread the desktop verifies its ledger on (app/ledger/verify-on-thread.ts), so that Electron's
// main thread keeps answering the screens and drawing the verification's progress meanwhile. It
// opens the database read-only on a connection of its own, with the drill store beside it attached
// read-only too (SQLite's check covers it, as on main's connection), and runs the verification
// `keyward ledger verify` runs, its walking threads included.
import { existsSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from '../../db/connection';
import { drillStorePath } from '../../db/drill-store';
import { verifyStoredLedger } from './ledger';
import { useNativeBindingForWalkers } from './ledger-walkers';
import type { VerifyOnThreadJob, VerifyOnThreadMessage } from './verify-on-thread';

const { port, job } = workerData as { port: MessagePort; job: VerifyOnThreadJob };
const post = (message: VerifyOnThreadMessage) => port.postMessage(message);

/** At most this often, progress goes to main (each message costs main a turn of its loop). */
const PROGRESS_EVERY_MS = 100;

try {
  useNativeBindingForWalkers(job.nativeBinding);
  const db = openDatabase(job.file, { readonly: true, nativeBinding: job.nativeBinding });
  try {
    const drill = drillStorePath(job.file);
    // A read-only connection attaches read-only.
    if (existsSync(drill)) db.prepare('ATTACH DATABASE ? AS drill').run(drill);
    let last = 0;
    const verdict = verifyStoredLedger(db, { expectHead: job.expectHead }, (done, of) => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && done < of) return;
      last = now;
      post({ progress: { done, of } });
    });
    post({ verdict });
  } finally {
    db.close();
  }
} catch (error) {
  const { code, message } = error as { code?: unknown; message?: unknown };
  post({ error: { code: typeof code === 'string' ? code : undefined, message: String(message ?? error) } });
}
