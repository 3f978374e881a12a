import { listCardReaders } from '../../app/cards/card-readers';
import { enrolCard, type CardEnrolmentStep } from '../../app/cards/card-enrolment';
import { drillCardSource, pcscCardSource } from '../../app/cards/card-sources';
import type { CommandContext, CommandModule } from '../command';
import { table } from '../format';

const ENROL_STEPS: Record<CardEnrolmentStep, string> = {
  looking: 'looking for the card in the readers…',
  reading: 'reading the card (CHUID and certificates — no PIN is asked for)…',
  proving: 'asking the card to sign a fresh challenge with its Card Authentication key…',
  saved: 'saved',
};

export const cardSourceFor = (context: CommandContext) => (context.options.simulated === true ? drillCardSource(context.session().db) : pcscCardSource());

export const runs = {
  cardReaders: async (context) => {
    const readers = await listCardReaders(context.session(), cardSourceFor(context));
    const human = table(
      ['READER', 'CARD', 'CERTIFICATE', 'EXPIRES', 'ENROLLED AS'],
      readers.map((r) => [
        r.name,
        r.card ? `GUID ${r.card.guid}${r.card.cardSerial ? `, card serial ${r.card.cardSerial}` : ''}` : r.error ? `unreadable: ${r.error}` : r.cardPresent ? 'present' : 'empty',
        r.card ? `${r.card.subject} (serial ${r.card.serial})` : '',
        r.card?.notAfter.slice(0, 10),
        r.card ? (r.card.enrolledAs ?? 'not enrolled') : '',
      ]),
    );
    return { value: readers, human: readers.length ? human : 'no smartcard reader is connected' };
  },
  cardEnroll: async (context) => {
    const { options, io } = context;
    const { authenticator, warnings, reader } = await enrolCard(
      context.session(),
      cardSourceFor(context),
      { label: options.label, account: options.account, place: options.place, reader: options.reader },
      (step) => io.stderr(`${ENROL_STEPS[step]}\n`),
    );
    const lines = [
      `enrolled ${authenticator.simulated ? 'drill card' : 'smartcard'} "${authenticator.label}" from ${reader} (certificate serial ${authenticator.serial}, expires ${authenticator.expiresAt?.slice(0, 10)}${authenticator.notes.map((n) => `; ${n}`).join('')})`,
      ...warnings.map((w) => `WARNING: ${w}`),
    ];
    return { value: { ...authenticator, warnings }, human: lines.join('\n') };
  },
} satisfies CommandModule['runs'];
