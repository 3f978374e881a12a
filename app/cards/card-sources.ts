import { KeywardError } from '../../core/errors';
import type { KeywardDatabase } from '../../db/connection';
import { loadDrillKey } from '../../db/drill-keys';
import { listAuthenticators } from '../../db/authenticators';
import { MemoryCardReaders } from '../../native/pcsc/memory-readers';
import { openPcscReaders, type PcscOptions } from '../../native/pcsc/pcsclite-readers';
import { PcscError } from '../../native/pcsc/errors';
import type { CardReaders } from '../../native/pcsc/readers';
import { SoftwarePivCard, newPivCardState, type PivCardState } from '../../native/piv-card/software-piv-card';

/** Readers opened for one use case, closed when it is done. */
export interface OpenedReaders {
  readonly readers: CardReaders;
  /** A drill card's contents by reader, for the drill store. Real cards have none. */
  readonly drillStateOf?: (reader: string) => PivCardState | undefined;
}

/** A new drill card to make at enrolment: who it is for and when. */
export interface NewDrillCard {
  readonly label: string;
  readonly upn: string | null;
  readonly now: Date;
}

/** Where cards are found: the system's PC/SC readers, or the drill store's software cards. */
export interface CardSource {
  readonly simulated: boolean;
  open(newCard?: NewDrillCard): Promise<OpenedReaders>;
}

/** The system's PC/SC service; when it is not running, a message that says how to start it. */
export function pcscCardSource(options: PcscOptions = {}): CardSource {
  return {
    simulated: false,
    async open() {
      try {
        return { readers: await openPcscReaders(options) };
      } catch (error) {
        if (error instanceof PcscError && error.failure === 'service_unavailable') {
          throw new KeywardError('device', `${error.message}: start it (on Linux: systemctl start pcscd) and connect a reader`, 'reader');
        }
        throw error;
      }
    },
  };
}

export const DRILL_READER_PREFIX = 'Drill reader';

/**
 * Software PIV cards for drills, each in its own virtual reader, kept in the drill store so later
 * commands find the same card. A new card gets a self-signed certificate valid for `validDays`.
 */
export function drillCardSource(
  db: KeywardDatabase,
  options: { validDays?: number; prepare?: (readers: MemoryCardReaders, cards: ReadonlyMap<string, SoftwarePivCard>) => void } = {},
): CardSource {
  return {
    simulated: true,
    async open(newCard) {
      const readers = new MemoryCardReaders();
      const cards = new Map<string, SoftwarePivCard>();
      // Enrolment rehearses inserting the one new card; a check finds every drill card in its reader.
      for (const item of newCard ? [] : listAuthenticators(db).filter((a) => a.kind === 'smartcard' && a.simulated && a.enrolled)) {
        const state = loadDrillKey(db, item.id) as PivCardState | undefined;
        if (!state) continue;
        const name = `${DRILL_READER_PREFIX}: ${item.label}`;
        cards.set(name, new SoftwarePivCard(state));
      }
      if (newCard) {
        const notAfter = new Date(newCard.now.getTime() + (options.validDays ?? 365) * 86_400_000);
        const state = newPivCardState({ holder: { commonName: newCard.label, organisation: 'Keyward drill' }, upn: newCard.upn ?? undefined, notBefore: newCard.now, notAfter });
        cards.set(`${DRILL_READER_PREFIX}: new card`, new SoftwarePivCard(state));
      }
      if (cards.size === 0) throw new KeywardError('not_found', 'there are no drill cards in the drill store; enrol one with --simulated first', 'card');
      for (const [name, card] of cards) readers.addReader(name, card);
      options.prepare?.(readers, cards);
      return {
        readers,
        drillStateOf: (reader) => {
          const card = readers.cardIn(reader);
          return card instanceof SoftwarePivCard ? card.state : undefined;
        },
      };
    },
  };
}
