import { exportAuditBundle } from '../../app/audit/audit-export';
import { verifyAuditBundle } from '../../app/audit/audit-verify';
import { addAuditBundle, auditorOverview } from '../../app/audit/auditor';
import { systemClock } from '../../app/ports';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import type { CommandContext, CommandModule } from '../command';
import { table } from '../format';

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
  auditAdd: ({ options }) => {
    const added = addAuditBundle(options.auditor as string, options.file as string, systemClock);
    const critical = added.findings.some((f) => f.severity === 'critical');
    return {
      value: added,
      human: [`added: site ${added.site.name || '(unnamed)'} ${added.site.id}, head entry ${added.head.seq} ${added.head.hash} (${added.standing})`, ...added.findings.map((f) => `${f.severity.toUpperCase()}: ${f.message}`)].join('\n'),
      exitCode: critical ? 2 : 0,
    };
  },
  auditSites: ({ options }) => {
    const sites = auditorOverview(options.auditor as string);
    const critical = sites.some((s) => s.findings.some((f) => f.severity === 'critical'));
    return {
      value: sites,
      human: [
        table(['SITE', 'SITE ID', 'ENTRIES', 'HEAD', 'CHECKPOINTS', 'BUNDLES', 'LAST BUNDLE', 'FINDINGS'], sites.map((s) => [s.siteName || '(unnamed)', s.siteId.slice(0, 16), s.headSeq, s.headHash.slice(0, 16), s.checkpoints, s.bundles, s.lastBundleAt, s.findings.map((f) => f.kind.toUpperCase()).join(' ')])),
        ...sites.flatMap((s) => s.findings.map((f) => `${f.severity.toUpperCase()}: ${f.message}`)),
      ].join('\n'),
      exitCode: critical ? 2 : 0,
    };
  },
} satisfies CommandModule['runs'];
