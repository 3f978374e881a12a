import { listFindings } from '../../app/findings/findings';
import { resolveFinding } from '../../app/findings/resolve';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import { KeywardError } from '../../core/errors';
import type { Finding } from '../../core/findings/finding';
import type { Command } from '../command';
import { table } from '../format';

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** The open findings as a person reads them: most severe first, each with what to do next. */
export function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.severity.toUpperCase().padEnd(8)} ${f.title}\n         since ${when(f.since)} · ${f.detail}\n         next: ${f.nextStep}\n         id: ${f.id}${f.evidence.length ? ` · evidence: entries ${f.evidence.join(', ')}` : ''}`);
}

export const findingCommands: Command[] = [
  {
    path: ['findings', 'list'],
    summary: 'The open findings, most severe first (--all: resolved ones too); exit 2 while a critical one is open',
    options: { all: { type: 'boolean', help: 'include resolved findings, with who resolved them' } },
    run: ({ options, session }) => {
      const findings = listFindings(session(), { all: options.all === true });
      const critical = findings.some((f) => f.severity === 'critical' && f.resolution === null);
      const rows = findings.map((f) => [f.severity, f.resolution ? `resolved #${f.resolution.seq}` : 'open', f.since.slice(0, 10), f.title, f.id]);
      return { value: findings, human: table(['severity', 'state', 'since', 'finding', 'id'], rows), exitCode: critical ? 2 : 0 };
    },
  },
  {
    path: ['findings', 'resolve'],
    summary: 'Two custodians resolve a finding with a reason, each touching their own key',
    options: {
      id: { type: 'string', required: true, value: 'ID', help: 'the finding (keyward findings list shows ids)' },
      custodian: { type: 'string', required: true, value: 'NAME', help: 'the first custodian' },
      witness: { type: 'string', required: true, value: 'NAME', help: 'a second, different custodian' },
      reason: { type: 'string', required: true, value: 'TEXT', help: 'what was found and done (an incident ticket, say)' },
      'accept-new-state': { type: 'boolean', help: "a presence anomaly: the key's new state becomes the baseline" },
      retire: { type: 'boolean', help: 'a presence anomaly or missing item: retire it' },
      simulated: { type: 'boolean', help: "custodians' drill keys from the drill store" },
    },
    run: async (context) => {
      const { options, io } = context;
      if (options['accept-new-state'] === true && options.retire === true) throw new KeywardError('invalid_input', 'choose --accept-new-state or --retire, not both', 'choice');
      const choice = options['accept-new-state'] === true ? 'accept-new-state' : options.retire === true ? 'retire' : undefined;
      const session = context.session();
      const keys = options.simulated === true ? drillKeySource(session.db, { store: 'custodians' }) : hidKeySource();
      const { entry, finding } = await resolveFinding(session, keys, { id: options.id, custodian: options.custodian, witness: options.witness, reason: options.reason, choice }, (step) =>
        io.stderr(step.step === 'touch' ? `${step.role} ${step.name}: touch your key now\n` : `${step.role} ${step.name}: approved\n`),
      );
      return { value: { finding, ledgerSeq: entry.seq }, human: `resolved "${finding.title}" (ledger entry ${entry.seq}${choice ? `, ${choice}` : ''})` };
    },
  },
];
