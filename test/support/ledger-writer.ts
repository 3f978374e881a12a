// A child process for the crash-safety test: registers seals as fast as it can and prints the
// ledger seq of each one only after its transaction has committed.
import { writeSync } from 'node:fs';
import { initDatabase } from '../../app/keyward';
import { registerSeal } from '../../app/inventory/inventory';
import { systemClock } from '../../app/ports';

const [path, round] = process.argv.slice(2) as [string, string];
const actor = { role: 'operator' as const, name: 'crash-writer' };
const { db } = initDatabase(path, systemClock, actor);
const session = { db, clock: systemClock, actor };
writeSync(1, 'ready\n');
for (let i = 0; ; i += 1) {
  registerSeal(session, { serial: `R${round}-${i}` });
  const seq = db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get() as number;
  writeSync(1, `ack ${seq}\n`);
}
