import type { ReaderView } from '../../core/cards/smartcard';
import { findAuthenticatorById } from '../../db/authenticators';
import { findSmartcardByGuid } from '../../db/smartcards';
import { scanReaders } from './card-reading';
import type { CardSource } from './card-sources';
import type { Session } from '../ports';

/** Every reader, and what is in it: which card, and whether Keyward knows it. Reads nothing secret and writes nothing. */
export async function listCardReaders(session: Pick<Session, 'db'>, source: CardSource): Promise<ReaderView[]> {
  const { readers } = await source.open();
  try {
    const statuses = await readers.list();
    const cards = new Map((await scanReaders(readers)).map((c) => [c.reader, c]));
    return statuses.map((status) => {
      const found = cards.get(status.name);
      const contents = found?.contents;
      const enrolled = contents ? findSmartcardByGuid(session.db, contents.chuid.guid) : undefined;
      return {
        ...status,
        card: contents
          ? {
              guid: contents.chuid.guid,
              subject: contents.authentication.facts.subject,
              serial: contents.authentication.facts.serial,
              notAfter: contents.authentication.facts.notAfter,
              upns: contents.authentication.facts.upns,
              cardSerial: contents.serial,
              retries: contents.retries,
              enrolledAs: enrolled === undefined ? null : (findAuthenticatorById(session.db, enrolled)?.label ?? null),
            }
          : null,
        error: found?.error ?? null,
      };
    });
  } finally {
    await readers.close().catch(() => undefined);
  }
}
