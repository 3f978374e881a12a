import { enrolKey, type EnrolmentStep } from '../../app/presence/enrolment';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import type { CheckProgress } from '../../app/presence/presence-check';
import { findingTexts, runFullCheck } from '../../app/presence/full-check';
import { cardSourceFor } from './cards';
import { KeywardError } from '../../core/errors';
import type { CommandContext, CommandModule } from '../command';
import { table } from '../format';
import { genuinenessOf } from '../../app/metadata/genuineness';
import { metadataOfCheckedKeys } from '../../app/metadata/metadata-findings';

const ENROL_STEPS: Record<EnrolmentStep, string> = {
  connecting: 'looking for the key…',
  reading: 'reading the key (getInfo, PIN retries — no PIN is asked for)…',
  touch: 'touch the key now',
  verifying: 'verifying the registration…',
  saved: 'saved',
};

function progressLine(p: CheckProgress & { kind: 'fido2' | 'smartcard' }, simulated: boolean): string | undefined {
  const at = `${p.index} of ${p.total}`;
  const thing = p.kind === 'smartcard' ? 'card' : 'key';
  switch (p.step) {
    case 'connecting':
      if (p.kind === 'smartcard') return simulated ? `${at} — looking for the drill card ${p.label}` : `${at} — insert the card labelled ${p.label} into a reader`;
      return simulated ? `${at} — opening the drill ${thing} ${p.label}` : `${at} — plug in the key labelled ${p.label}`;
    case 'touch':
      return `${at} — touch the key labelled ${p.label}`;
    case 'done':
      return `${at} — ${p.label}: ${p.result?.toUpperCase()}`;
    default:
      return undefined;
  }
}

const sourceFor = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db) : hidKeySource());

export const runs = {
  keyEnroll: async (context) => {
    const { options, io } = context;
    const approvers = options.approver === undefined ? undefined : Array.isArray(options.approver) ? options.approver : [options.approver];
    const custodianKeys = options.simulated === true ? drillKeySource(context.session().db, { store: 'custodians' }) : hidKeySource();
    const key = await enrolKey(
      context.session(),
      sourceFor(context),
      { label: options.label, account: options.account, place: options.place, serial: options.serial, approvers },
      (step) => io.stderr(`${ENROL_STEPS[step]}\n`),
      { custodianKeys, onApproval: (step) => io.stderr(step.step === 'touch' ? `${step.role} ${step.name}: touch your key now to accept the key\n` : `${step.role} ${step.name}: accepted\n`) },
    );
    const genuineness = genuinenessOf(context.session(), key.id);
    return { value: { ...key, genuineness: genuineness?.text ?? null }, human: `enrolled ${key.simulated ? 'drill key' : 'FIDO2 key'} "${key.label}" (${key.model}); ${genuineness?.text ?? 'genuineness not checked'}` };
  },
  check: async (context) => {
    const { options, io } = context;
    const wait = options.wait === undefined ? 0 : Number(options.wait);
    if (!Number.isInteger(wait) || wait < 0 || wait > 600) throw new KeywardError('invalid_input', `--wait must be a whole number of seconds from 0 to 600 (got "${String(options.wait)}")`, 'wait');
    const results = await runFullCheck(context.session(), { keys: sourceFor(context), cards: cardSourceFor(context) }, { item: options.key as string | undefined, insertTimeoutMs: wait * 1000 }, (p) => {
      const line = progressLine(p, options.simulated === true);
      if (line) io.stderr(`${line}\n`);
    });
    const flagged = results.some((r) => r.result !== 'ok');
    const { flags: metadata, critical } = metadataOfCheckedKeys(context.session(), results);
    const human = [
      table(['ITEM', 'RESULT', 'FINDINGS'], results.map((r) => [`${r.label}${r.drill ? ' (drill)' : ''}`, r.result.toUpperCase(), findingTexts(r).join('; ')])),
      ...metadata.map((m) => `METADATA ${m.severity.toUpperCase()}: ${m.text}`),
      flagged ? '\nATTENTION: at least one key or card is missing or shows an anomaly.' : critical ? '\nATTENTION: the FIDO metadata reports a key checked here compromised or revoked.' : `\nall ${results.length} item(s) present and unchanged.`,
    ].join('\n');
    return { value: { ok: !flagged && !critical, results: results.map((r) => ({ ...r, findings: r.findings.map((f, i) => ({ ...f, text: findingTexts(r)[i] })) })), metadata }, human, exitCode: flagged || critical ? 2 : 0 };
  },
} satisfies CommandModule['runs'];
