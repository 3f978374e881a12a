// A TLS server standing in for the Entra sign-in endpoint inside a provider namespace.
// Usage: node tls-target.mjs ADDRESS PORT CERT KEY — it completes handshakes and closes.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:tls';

const [address, port, cert, key] = process.argv.slice(2);
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (socket) => socket.end());
server.on('tlsClientError', () => undefined);
server.listen(Number(port), address, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
