import { PcscError } from './errors';
import type { ApduResponder, CardConnection, CardReaders, ReaderStatus } from './readers';

/**
 * Readers in memory, each holding a software card or nothing: the drill stand-in for PC/SC, and
 * the unit tests' reader. A card can be pulled out after a given number of commands.
 */
export class MemoryCardReaders implements CardReaders {
  private readonly slots = new Map<string, { card?: ApduResponder; removeAfter?: number }>();
  private closed = false;

  addReader(name: string, card?: ApduResponder): this {
    this.slots.set(name, { card });
    return this;
  }

  insert(name: string, card: ApduResponder): void {
    this.slots.set(name, { card });
  }

  /** The card in a reader now, if any. */
  cardIn(name: string): ApduResponder | undefined {
    return this.slots.get(name)?.card;
  }

  remove(name: string): void {
    this.slots.set(name, {});
  }

  /** The card leaves its reader after answering `commands` more APDUs. */
  removeAfter(name: string, commands: number): void {
    const slot = this.slots.get(name);
    if (slot) slot.removeAfter = commands;
  }

  async list(): Promise<ReaderStatus[]> {
    this.alive();
    return [...this.slots].map(([name, slot]) => ({ name, cardPresent: slot.card !== undefined, atr: slot.card ? Buffer.from(slot.card.atr).toString('hex').toUpperCase() : null }));
  }

  async connect(name: string): Promise<CardConnection> {
    this.alive();
    const slot = this.slots.get(name);
    if (!slot) throw new PcscError('no_reader', `there is no reader named "${name}"`);
    if (!slot.card) throw new PcscError('no_card', `connecting to the card in "${name}": there is no card in the reader`);
    const card = slot.card;
    let open = true;
    return {
      reader: name,
      transmit: async (apdu) => {
        if (!open) throw new PcscError('closed', 'the card connection was closed');
        if (slot.card !== card) throw new PcscError('card_removed', `talking to the card in "${name}": the card was removed from the reader`);
        if (slot.removeAfter !== undefined && slot.removeAfter-- <= 0) {
          slot.card = undefined;
          throw new PcscError('card_removed', `talking to the card in "${name}": the card was removed from the reader`);
        }
        return card.respond(apdu);
      },
      close: async () => {
        open = false;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private alive(): void {
    if (this.closed) throw new PcscError('closed', 'the PC/SC connection was closed');
  }
}
