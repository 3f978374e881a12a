import { enrolKey, type EnrolmentStep } from '../../app/enrolment';
import { drillKeySource, hidKeySource } from '../../app/key-sources';
import { runPresenceCheck, type CheckProgress } from '../../app/presence-check';
import { describeFinding } from '../../core/presence';
import type { Command, CommandContext } from '../command';
import { table } from '../format';

const ENROL_STEPS: Record<EnrolmentStep, string> = {
  connecting: 'looking for the key…',
  reading: 'reading the key (getInfo, PIN retries — no PIN is asked for)…',
  touch: 'touch the key now',
  verifying: 'verifying the registration…',
  saved: 'saved',
};

function progressLine(p: CheckProgress, simulated: boolean): string | undefined {
  const at = `${p.index} of ${p.total}`;
  switch (p.step) {
    case 'connecting':
      return simulated ? `${at} — opening the drill key ${p.label}` : `${at} — plug in the key labelled ${p.label}`;
    case 'touch':
      return `${at} — touch the key labelled ${p.label}`;
    case 'done':
      return `${at} — ${p.label}: ${p.result?.toUpperCase()}`;
    default:
      return undefined;
  }
}

const sourceFor = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db) : hidKeySource());

export const fidoCommands: Command[] = [
  {
    path: ['key', 'enroll'],
    summary: "Enrol a FIDO2 key: create Keyward's own credential on it and record it",
    options: {
      label: { type: 'string', required: true, value: 'TEXT', help: 'label written on the key' },
      account: { type: 'string', value: 'UPN', help: 'emergency account the key belongs to' },
      place: { type: 'string', value: 'NAME', help: 'storage place it is kept in' },
      serial: { type: 'string', value: 'TEXT', help: 'serial number printed on the key' },
      simulated: { type: 'boolean', help: 'enrol a software key kept in the drill store (for drills, never for real accounts)' },
    },
    run: async (context) => {
      const { options, io } = context;
      const key = await enrolKey(context.session(), sourceFor(context), { label: options.label, account: options.account, place: options.place, serial: options.serial }, (step) =>
        io.stderr(`${ENROL_STEPS[step]}\n`),
      );
      return { value: key, human: `enrolled ${key.simulated ? 'drill key' : 'FIDO2 key'} "${key.label}" (${key.model})` };
    },
  },
  {
    path: ['check'],
    summary: 'Presence check: prove each enrolled key is here, is the same key, and was not used',
    options: {
      key: { type: 'string', value: 'ID|LABEL', help: 'check one key only' },
      simulated: { type: 'boolean', help: 'check the drill keys instead of real ones' },
    },
    run: async (context) => {
      const { options, io } = context;
      const results = await runPresenceCheck(context.session(), sourceFor(context), { key: options.key as string | undefined }, (p) => {
        const line = progressLine(p, options.simulated === true);
        if (line) io.stderr(`${line}\n`);
      });
      const flagged = results.some((r) => r.result !== 'ok');
      const human = [
        table(['KEY', 'RESULT', 'FINDINGS'], results.map((r) => [`${r.label}${r.drill ? ' (drill)' : ''}`, r.result.toUpperCase(), r.findings.map(describeFinding).join('; ')])),
        flagged ? '\nATTENTION: at least one key is missing or shows an anomaly.' : `\nall ${results.length} key(s) present and unchanged.`,
      ].join('\n');
      return { value: { ok: !flagged, results }, human, exitCode: flagged ? 2 : 0 };
    },
  },
];
