// A child process for the kill -9 test: backs the database up, printing each step of the copy
// (and pausing a little at each, so that a kill lands in the middle of it), then "done".
import { writeSync } from 'node:fs';
import { backupDatabase } from '../../app/backup/backup';
import { openExistingDatabase } from '../../app/keyward';
import { systemClock } from '../../app/ports';

const [path, out] = process.argv.slice(2) as [string, string];
const db = openExistingDatabase(path);
writeSync(1, 'ready\n');
await backupDatabase({ db, clock: systemClock, actor: { role: 'operator', name: 'backup-taker' } }, { out }, (done, of) => {
  writeSync(1, `copying ${done} of ${of}\n`);
  const until = Date.now() + 40;
  while (Date.now() < until) {
    // a slow removable medium
  }
});
writeSync(1, 'done\n');
