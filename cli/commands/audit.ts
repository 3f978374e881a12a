import { exportAuditBundle } from '../../app/audit/audit-export';
import { verifyAuditBundle } from '../../app/audit/audit-verify';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import type { CommandContext, CommandModule } from '../command';

const custodianKeys = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db, { store: 'custodians' }) : hidKeySource());

export const runs = {
  auditExport: async (context) => {
    const { options, io } = context;
    const { out, manifest, closing } = await exportAuditBundle(context.session(), custodianKeys(context), { out: options.out, custodian: options.custodian, witness: options.witness }, (step) =>
      io.stderr(step.step === 'touch' ? `${step.role} ${step.name}: touch your key now\n` : `${step.role} ${step.name}: signed\n`),
    );
    return {
      value: { out, manifest, closing },
      human: `wrote ${out}: ${manifest.head.seq} entries of site ${manifest.site.name || '(unnamed)'} ${manifest.site.id}\nhead ${manifest.head.hash}\nclosed by checkpoint ${closing.number} (entry ${closing.seq}) signed by ${closing.custodian} and ${closing.witness}`,
    };
  },
  auditVerify: ({ options }) => {
    const file = options.file as string;
    const result = verifyAuditBundle(file);
    const human = result.ok
      ? `bundle OK: ${file}\nsite ${result.site!.name || '(unnamed)'} ${result.site!.id}\n${result.head!.seq} entries, head ${result.head!.hash}\n${result.checkpoints} checkpoints; closed by checkpoint ${result.closing!.number} signed by ${result.closing!.custodian} and ${result.closing!.witness}`
      : `BUNDLE VERIFICATION FAILED in ${result.member}\n${result.message}`;
    return { value: result, human, exitCode: result.ok ? 0 : 2 };
  },
} satisfies CommandModule['runs'];
