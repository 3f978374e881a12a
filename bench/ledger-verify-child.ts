// Verifies one ledger in a process of its own and prints its peak RSS as the operating system
// counts it (bench:ledger runs it to state the memory of `keyward ledger verify`).
import { verifyStoredLedger } from '../app/ledger/ledger';
import { openDatabase } from '../db/connection';

const db = openDatabase(process.argv[2]!, { readonly: true });
const result = verifyStoredLedger(db);
db.close();
if (!result.ok) throw new Error(`verification failed: ${result.message}`);
console.log(`entries ${result.entries} maxRSS ${process.resourceUsage().maxRSS}`);
