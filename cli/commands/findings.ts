import { listFindings } from '../../app/findings/findings';
import { resolveFinding } from '../../app/findings/resolve';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import { KeywardError } from '../../core/errors';
import type { CommandModule } from '../command';
import { table } from '../format';

export const runs = {
  findingsList: ({ options, session }) => {
    const findings = listFindings(session(), { all: options.all === true });
    const critical = findings.some((f) => f.severity === 'critical' && f.resolution === null);
    const rows = findings.map((f) => [f.severity, f.resolution ? `resolved #${f.resolution.seq}` : 'open', f.since.slice(0, 10), f.title, f.id]);
    return { value: findings, human: table(['severity', 'state', 'since', 'finding', 'id'], rows), exitCode: critical ? 2 : 0 };
  },
  findingsResolve: async (context) => {
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
} satisfies CommandModule['runs'];
