/** A reader as PC/SC reports it. */
export interface ReaderStatus {
  readonly name: string;
  readonly cardPresent: boolean;
  /** The card's answer-to-reset, hex, when a card is present. */
  readonly atr: string | null;
}

/** A connection to the card in one reader, held for one use case. */
export interface CardConnection {
  readonly reader: string;
  /** Sends one command APDU and returns the raw response APDU (data and status word). */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The PC/SC system (pcscd on Linux, the smart card service on Windows and macOS), or a stand-in for drills. */
export interface CardReaders {
  list(): Promise<ReaderStatus[]>;
  connect(reader: string): Promise<CardConnection>;
  close(): Promise<void>;
}

/** Something that answers APDUs like a card: a software PIV card for drills and tests. */
export interface ApduResponder {
  readonly atr: Uint8Array;
  respond(apdu: Uint8Array): Uint8Array;
}
