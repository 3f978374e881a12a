import type { Migration } from './index';

export const m012KeyNotesCardCounters: Migration = {
  version: 12,
  name: 'key notes and card counters: facts of a FIDO2 key worth showing, PIV retry counters and card serial',
  up(db) {
    db.exec(`
      -- Facts about a key that are not anomalies (an expired attestation certificate, responses
      -- that are not canonical CBOR), as a JSON array of sentences.
      ALTER TABLE fido_credentials ADD COLUMN notes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(notes) AND json_type(notes) = 'array');

      -- The PIV PIN and PUK retry counters last read (without a PIN), and the serial the card
      -- publishes (Yubico GET SERIAL), where it answers.
      ALTER TABLE smartcards ADD COLUMN pin_retries INTEGER CHECK (pin_retries BETWEEN 0 AND 15);
      ALTER TABLE smartcards ADD COLUMN puk_retries INTEGER CHECK (puk_retries BETWEEN 0 AND 15);
      ALTER TABLE smartcards ADD COLUMN card_serial TEXT;
    `);
  },
};
