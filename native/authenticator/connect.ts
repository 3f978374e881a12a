import { CtapHidConnection } from '../ctaphid/connection';
import { Ctap2 } from '../ctap2/ctap2';
import { MemoryTransport } from '../transport/memory';
import type { SoftwareAuthenticator } from './software-authenticator';

/** Plugs a software key into an in-memory transport and opens a CTAP2 session on it. */
export async function connectSoftwareKey(key: SoftwareAuthenticator, description = 'software key'): Promise<{ transport: MemoryTransport; connection: CtapHidConnection; ctap2: Ctap2 }> {
  const transport = new MemoryTransport(key, description);
  await transport.open();
  const connection = await CtapHidConnection.open(transport);
  return { transport, connection, ctap2: new Ctap2(connection) };
}
