import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAfter } from '../../test/support/children';
import { seededRandom } from '../../test/support/random';
import { buildCertificate } from '../piv-card/certificate-builder';
import { SoftwarePivCard, newPivCardState, type KeyKind, type PivCardMisbehaviour } from '../piv-card/software-piv-card';
import { encodeApdu, parseResponse, transceive } from './apdu';
import { parseCertificate, upnsOf } from './certificate';
import { ApduStatusError, CardDataError, PcscError } from './errors';
import { MemoryCardReaders } from './memory-readers';
import { pcscErrorFrom } from './pcsclite-readers';
import { PIV_ALGORITHM, parseCertificateObject, parseChuid, selectPiv, signWithSlot } from './piv';
import { proveCardAuthentication } from './possession';
import { readPivCard } from './read-card';
import type { ApduResponder, CardConnection } from './readers';
import { encodeTlv, readTlvs } from './tlv';

const holder = { commonName: 'Break Glass 1', organisation: 'Contoso' };
const card = (keyKind: KeyKind = 'ec-p256', misbehaviour?: PivCardMisbehaviour, extra: { cardAuthentication?: boolean } = {}) =>
  new SoftwarePivCard(newPivCardState({ holder, upn: 'bg1@contoso.onmicrosoft.com', notBefore: new Date('2026-01-01Z'), notAfter: new Date('2027-01-01Z'), keyKind, ...extra }), misbehaviour);

async function connected(responder: ApduResponder): Promise<{ readers: MemoryCardReaders; connection: CardConnection }> {
  const readers = new MemoryCardReaders().addReader('Reader A', responder);
  return { readers, connection: await readers.connect('Reader A') };
}

/** A card that answers from a script of raw responses, to test the APDU layer alone. */
const scripted = (responses: string[]): ApduResponder & { seen: string[] } => {
  const seen: string[] = [];
  return { atr: Uint8Array.of(0x3b), seen, respond: (apdu) => (seen.push(Buffer.from(apdu).toString('hex')), Uint8Array.from(Buffer.from(responses.shift() ?? '6f00', 'hex'))) };
};

describe('BER-TLV', () => {
  it('reads one-, two- and three-byte tags and long lengths, and writes the shortest form', () => {
    const long = new Uint8Array(300).fill(7);
    const bytes = Buffer.concat([encodeTlv(0x53, long), encodeTlv(0x5fc102, Uint8Array.of(1)), encodeTlv(0x7f49)]);
    expect(Buffer.from(encodeTlv(0x53, long).subarray(0, 4)).toString('hex')).toBe('53820' + '12c');
    const items = readTlvs(bytes, 'test');
    expect(items.map((t) => t.tag)).toEqual([0x53, 0x5fc102, 0x7f49]);
    expect(items[0]!.value).toHaveLength(300);
  });

  it.each([
    ['a value cut short', '5305010203', /says 5 bytes but only 3 remain/],
    ['a missing length', '53', /has no length/],
    ['an indefinite length', '538001', /indefinite length/],
    ['a four-byte length field', '538401000000', /4-byte length field/],
    ['a tag cut short', '5f', /cut short/],
    ['a tag longer than three bytes', '5f8181810100', /longer than three bytes/],
  ])('refuses %s', (_what, hex, message) => {
    expect(() => readTlvs(Buffer.from(hex, 'hex'), 'test')).toThrow(CardDataError);
    expect(() => readTlvs(Buffer.from(hex, 'hex'), 'test')).toThrow(message);
  });
});

describe('APDUs', () => {
  it('encodes the four short cases', () => {
    const hex = (c: Parameters<typeof encodeApdu>[0]) => Buffer.from(encodeApdu(c)).toString('hex');
    expect(hex({ cla: 0, ins: 0xc0, p1: 0, p2: 0 })).toBe('00c00000');
    expect(hex({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le: 256 })).toBe('00c0000000');
    expect(hex({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: Uint8Array.of(0xa0, 1) })).toBe('00a40400' + '02a001');
    expect(hex({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: Uint8Array.of(0xa0), le: 16 })).toBe('00a4040001a010');
    expect(() => encodeApdu({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(256) })).toThrow(RangeError);
  });

  it('collects a long answer with GET RESPONSE and corrects a wrong Le once', async () => {
    const responder = scripted(['6c10', 'aabb6102', 'ccdd9000']);
    const { connection } = await connected(responder);
    const answer = await transceive(connection, { cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 }, 'GET DATA');
    expect(Buffer.from(answer).toString('hex')).toBe('aabbccdd');
    expect(responder.seen).toEqual(['00cb3fff00', '00cb3fff10', '00c0000002']);
  });

  it('sends data longer than 255 bytes as a command chain', async () => {
    const responder = scripted(['9000', '9000']);
    const { connection } = await connected(responder);
    await transceive(connection, { cla: 0, ins: 0x87, p1: 7, p2: 0x9e, data: new Uint8Array(300), le: 256 }, 'GENERAL AUTHENTICATE');
    expect(responder.seen.map((s) => s.slice(0, 10))).toEqual(['10879e07ff'.replace('9e07', '079e'), '0087079e2d']);
  });

  it('names the command and the status word it was refused with', async () => {
    const { connection } = await connected(scripted(['6a82']));
    const error = await transceive(connection, { cla: 0, ins: 0xa4, p1: 4, p2: 0 }, 'SELECT PIV').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApduStatusError);
    expect((error as ApduStatusError).sw).toBe(0x6a82);
    expect((error as Error).message).toBe('SELECT PIV was refused by the card: status 6A82 (file or application not found)');
  });

  it('refuses an answer shorter than a status word, and a card that never stops sending', async () => {
    expect(() => parseResponse(Uint8Array.of(0x90), 'X')).toThrow(/1 byte\(s\) long; a status word alone needs 2/);
    const endless: ApduResponder = { atr: Uint8Array.of(0x3b), respond: () => Uint8Array.from([...new Uint8Array(256), 0x61, 0x00]) };
    const { connection } = await connected(endless);
    await expect(transceive(connection, { cla: 0, ins: 0xcb, p1: 0, p2: 0 }, 'GET DATA')).rejects.toThrow(/keeps sending data/);
  });
});

describe('PIV', () => {
  it.each(['ec-p256', 'ec-p384', 'rsa-2048'] as const)('reads the CHUID and both certificates of a %s card and checks its proof of possession', async (keyKind) => {
    const software = card(keyKind);
    const { connection } = await connected(software);
    const contents = await readPivCard(connection);
    expect(contents.chuid.guid).toBe(software.state.guid);
    expect(contents.chuid.expiration).toBe('20270101');
    expect(contents.authentication.facts).toMatchObject({
      subject: 'O=Contoso, CN=Break Glass 1',
      upns: ['bg1@contoso.onmicrosoft.com'],
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2027-01-01T00:00:00.000Z',
      keyAlgorithm: keyKind,
    });
    expect(contents.cardAuthentication?.facts.upns).toEqual([]);
    const proof = await proveCardAuthentication(connection, contents.cardAuthentication!.der);
    expect(proof.valid).toBe(true);
    // Never a PIN: only SELECT, GET DATA, GET RESPONSE, GENERAL AUTHENTICATE, GET SERIAL, and
    // VERIFY with no data (the PIN and PUK retry counters) went to the card.
    expect(new Set(software.log)).toEqual(new Set(['A4', 'CB', 'C0', '87', '20', 'F8'].filter((ins) => software.log.includes(ins))));
    expect(software.verifications).toEqual([{ reference: 0x80, dataLength: 0 }, { reference: 0x81, dataLength: 0 }]);
    expect(contents.retries).toEqual({ pin: 3, puk: 3 });
  });

  it('finds a signature by the wrong key invalid', async () => {
    const software = card('ec-p256', 'wrong-key');
    const { connection } = await connected(software);
    const contents = await readPivCard(connection);
    expect((await proveCardAuthentication(connection, contents.cardAuthentication!.der)).valid).toBe(false);
  });

  it('gets 6982 from the PIN-protected authentication key rather than sending a PIN', async () => {
    const { connection } = await connected(card());
    await selectPiv(connection);
    await expect(signWithSlot(connection, 0x9a, PIV_ALGORITHM.eccP256, new Uint8Array(32))).rejects.toThrow(/6982 \(security status not satisfied/);
  });

  it('reads a card without a Card Authentication certificate', async () => {
    const { connection } = await connected(card('ec-p256', undefined, { cardAuthentication: false }));
    expect((await readPivCard(connection)).cardAuthentication).toBeNull();
  });

  it.each([
    ['garbage', CardDataError, /GET DATA 5FC102: tag DE has a 45-byte length field/],
    ['truncated', CardDataError, /truncated answer/],
    ['short-object', CardDataError, /truncated answer/],
    ['corrupt-certificate', CardDataError, /not a valid X.509 certificate/],
  ] as const)('ends a card answering %s with a clear typed error', async (misbehaviour, type, message) => {
    const { connection } = await connected(card('ec-p256', misbehaviour));
    const error = await readPivCard(connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('reports a card pulled out mid-read as removed', async () => {
    const { readers, connection } = await connected(card());
    readers.removeAfter('Reader A', 3);
    const error = await readPivCard(connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PcscError);
    expect((error as PcscError).failure).toBe('card_removed');
    expect((await readers.list())[0]!.cardPresent).toBe(false);
  });

  it('refuses a CHUID without a 16-byte GUID, and a compressed certificate that does not decompress', () => {
    expect(() => parseChuid(encodeTlv(0x34, new Uint8Array(8)))).toThrow(/GUID is 8 bytes long/);
    expect(() => parseChuid(encodeTlv(0x30, new Uint8Array(25)))).toThrow(/tag 34 is missing/);
    expect(() => parseCertificateObject(Buffer.concat([encodeTlv(0x70, Uint8Array.of(1, 2)), encodeTlv(0x71, Uint8Array.of(1))]), 'X')).toThrow(/does not decompress/);
  });

  it('survives 5,000 random and mutated answers with typed errors only', async () => {
    const random = seededRandom(9);
    const good = card();
    const typed = [CardDataError, ApduStatusError, PcscError];
    for (let i = 0; i < 5000; i++) {
      const mutate = (bytes: Uint8Array): Uint8Array => {
        const out = Uint8Array.from(bytes);
        if (random() < 0.5) return Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
        for (let n = 0; n < 1 + random() * 4; n++) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
        return random() < 0.3 ? out.subarray(0, Math.floor(random() * out.length)) : out;
      };
      let count = 0;
      const target = Math.floor(random() * 8);
      const fuzzed: ApduResponder = { atr: good.atr, respond: (apdu) => (count++ === target ? mutate(good.respond(apdu)) : good.respond(apdu)) };
      const { connection } = await connected(fuzzed);
      try {
        await readPivCard(connection);
      } catch (error) {
        if (!typed.some((type) => error instanceof type)) throw error;
      }
    }
  });
});

describe('certificates', () => {
  const openssl = spawnSync('sh', ['-c', 'command -v openssl']).status === 0;

  it.runIf(openssl)('reads a certificate made by openssl: subject, issuer, serial, dates and UPN', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-cert-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
      '-days', '30', '-set_serial', '0x1234ABCD', '-subj', '/O=Contoso/CN=Break Glass 2',
      '-addext', 'subjectAltName=email:ops@contoso.com,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:BG2@contoso.onmicrosoft.com',
    ], { stdio: 'ignore', ...killAfter(20_000) });
    const der = new X509Certificate(readFileSync(join(dir, 'c.pem'))).raw;
    const facts = parseCertificate(der, 'test');
    expect(facts).toMatchObject({ subject: 'O=Contoso, CN=Break Glass 2', issuer: 'O=Contoso, CN=Break Glass 2', serial: '1234ABCD', upns: ['bg2@contoso.onmicrosoft.com'], keyAlgorithm: 'ec-p256' });
    expect(Date.parse(facts.notAfter) - Date.parse(facts.notBefore)).toBe(30 * 86_400_000);
  });

  it.runIf(openssl)('builds certificates that openssl reads and verifies, UPN included', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = buildCertificate({ subject: holder, subjectKey: publicKey, selfKey: privateKey, serial: Uint8Array.of(0x80, 1), notBefore: new Date('2026-01-01Z'), notAfter: new Date('2051-01-01Z'), upn: 'bg1@contoso.onmicrosoft.com' });
    const dir = mkdtempSync(join(tmpdir(), 'keyward-cert-'));
    writeFileSync(join(dir, 'c.der'), der);
    const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'c.der'), '-noout', '-text'], killAfter(20_000)).toString();
    expect(text).toContain('Serial Number:');
    expect(text).toMatch(/Not After : Jan {2}1 00:00:00 2051 GMT/);
    expect(text).toMatch(/othername: UPN::bg1@contoso.onmicrosoft.com/);
    expect(new X509Certificate(der).verify(publicKey)).toBe(true);
    expect(parseCertificate(der, 'test').serial).toBe('8001');
  });

  it('reads UPNs from the subject alternative name, quoted ones too', () => {
    expect(upnsOf('othername:UPN:a@b.com, email:x@y.com, othername:UPN:"c,d@e.com"')).toEqual(['a@b.com', 'c,d@e.com']);
    expect(upnsOf(undefined)).toEqual([]);
    expect(() => parseCertificate(Uint8Array.of(0x30, 0x03, 1, 2, 3), 'slot 9A')).toThrow(/slot 9A: not a valid X.509 certificate/);
  });
});

describe('PC/SC errors', () => {
  it('turns the service codes into failures a custodian can act on', () => {
    expect(pcscErrorFrom(new Error('SCardEstablishContext error: Service not available.(0x8010001d)'), 'opening')).toMatchObject({ failure: 'service_unavailable', code: 0x8010001d });
    expect(pcscErrorFrom(new Error('SCardTransmit error: Card was removed.(0x80100069)'), 'reading').message).toBe('reading: the card was removed from the reader');
    expect(pcscErrorFrom(new Error('odd'), 'x')).toMatchObject({ failure: 'transmit_failed', message: 'x: odd' });
  });
});
