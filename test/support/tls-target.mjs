// A TLS server standing in for the Entra sign-in endpoint inside a provider namespace.
// Usage: node tls-target.mjs ADDRESS PORT CERT KEY — it completes handshakes and closes.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:tls';
import { setInterval, setTimeout } from 'node:timers';

const [address, port, cert, key] = process.argv.slice(2);
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (socket) => socket.end());
server.on('tlsClientError', () => undefined);
server.listen(Number(port), address, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

// It never outlives the test that started it: it ends when that worker is gone (killed before
// its afterAll could run, it leaves this process to init) and after ten minutes in any case.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1_000).unref();
setTimeout(() => process.exit(0), 10 * 60_000).unref();
