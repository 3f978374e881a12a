import { spawnSync } from 'node:child_process';
import { createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { killAfter } from '../test/support/children';
import { newKeyPair, newPrivateKey } from './key-pair';

const credentials = new URL('./authenticator/credentials.ts', import.meta.url).pathname;
const pivCard = new URL('./piv-card/software-piv-card.ts', import.meta.url).pathname;
const ROUNDS = 4_000;
const DATA = Buffer.from('keyward');

describe('new key pairs', () => {
  it('sign and verify, EC and RSA', () => {
    for (const kind of [{ type: 'ec', namedCurve: 'P-256' }, { type: 'ec', namedCurve: 'P-384' }, { type: 'rsa', modulusLength: 2048 }] as const) {
      const { privateKey, publicKey } = newKeyPair(kind);
      expect(privateKey.type).toBe('private');
      expect(publicKey.asymmetricKeyType).toBe(kind.type);
      expect(verify('sha256', DATA, publicKey, sign('sha256', DATA, privateKey))).toBe(true);
      const alone = newPrivateKey(kind);
      expect(verify('sha256', DATA, createPublicKey(alone), sign('sha256', DATA, alone))).toBe(true);
    }
  });

  // generateKeyPairSync's own KeyObjects, exported as a JWK while a garbage collection frees their
  // generation job, stop the thread for good (Node 20; see newKeyPair). With a young generation
  // of 1 MB a collection comes every few dozen keys, and 4,000 of those keys hang within seconds.
  // The keys the software authenticator and the software PIV card make must not: the loop runs in
  // a child process, killed if it stops, so that a deadlock fails this test instead of hanging it.
  it(`are exported as JWKs under constant garbage collection without a deadlock (${ROUNDS.toLocaleString('en')} of each kind of software key)`, () => {
    const script = [
      `import { cosePublicKey, createCredential, signEs256 } from ${JSON.stringify(credentials)};`,
      `import { generateSlotKey } from ${JSON.stringify(pivCard)};`,
      `for (let i = 0; i < ${ROUNDS}; i += 1) {`,
      `  const credential = createCredential('keyward.invalid', Uint8Array.of(1), false);`,
      '  cosePublicKey(credential);',
      '  signEs256(credential, Uint8Array.of(2));',
      "  generateSlotKey('ec-p256').privateKey.export({ format: 'jwk' });",
      '}',
      "process.stdout.write('done');",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', ...killAfter(60_000) });
    expect(run.signal, 'the key loop stopped (a deadlock) and was killed after 60 s').toBeNull();
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ status: 0, stdout: 'done' });
  }, 90_000);
});
