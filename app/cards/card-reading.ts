import { KeywardError, isKeywardError } from '../../core/errors';
import type { KnownCardState } from '../../core/cards/smartcard';
import { ApduStatusError, CardDataError, PcscError } from '../../native/pcsc/errors';
import { readPivCard, type PivCardContents } from '../../native/pcsc/read-card';
import type { CardReaders } from '../../native/pcsc/readers';

/** What one reader holds: the card's contents, or why they could not be read. */
export interface CardInReader {
  readonly reader: string;
  readonly contents?: PivCardContents;
  readonly error?: string;
}

/** Why a card could not be used, in words; typed errors from the PC/SC layers keep their message. */
export function cardFailure(error: unknown): string {
  if (isKeywardError(error) || error instanceof PcscError || error instanceof CardDataError || error instanceof ApduStatusError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export const deviceError = (error: unknown, reader: string): KeywardError =>
  isKeywardError(error) ? error : new KeywardError('device', `the card in "${reader}" could not be read: ${cardFailure(error)}`, 'card');

/** Reads the card in one reader; the connection is always closed. */
async function readCardIn(readers: CardReaders, reader: string): Promise<PivCardContents> {
  const connection = await readers.connect(reader);
  try {
    return await readPivCard(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Reads every card that is in a reader; one card's failure does not stop the others. */
export async function scanReaders(readers: CardReaders): Promise<CardInReader[]> {
  const found: CardInReader[] = [];
  for (const status of (await readers.list()).filter((r) => r.cardPresent)) {
    try {
      found.push({ reader: status.name, contents: await readCardIn(readers, status.name) });
    } catch (error) {
      found.push({ reader: status.name, error: cardFailure(error) });
    }
  }
  return found;
}

export const knownStateOf = (contents: PivCardContents): KnownCardState => ({
  guid: contents.chuid.guid,
  authentication: contents.authentication.facts,
  cardAuthentication: contents.cardAuthentication?.facts ?? null,
});

/** The facts a ledger entry keeps about a card (certificates by their facts, not their bytes). */
export const cardEvidence = (state: KnownCardState) => ({
  guid: state.guid,
  authentication: { ...state.authentication, upns: [...state.authentication.upns] },
  cardAuthentication: state.cardAuthentication ? { ...state.cardAuthentication, upns: [...state.cardAuthentication.upns] } : null,
});

/** The retry counters and serial a ledger entry keeps about a card, as read (null where the card did not say). */
export const countersEvidence = (contents: Pick<PivCardContents, 'retries' | 'serial'>) => ({
  pinRetries: contents.retries.pin,
  pukRetries: contents.retries.puk,
  cardSerial: contents.serial,
});
