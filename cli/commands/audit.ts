import { exportAuditBundle } from '../../app/audit/audit-export';
import { verifyAuditBundle } from '../../app/audit/audit-verify';
import { addAuditBundle, auditorOverview, type SiteOverview } from '../../app/audit/auditor';
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
      ? `bundle OK: ${file}\nsite ${result.site!.name || '(unnamed)'} ${result.site!.id}\n${result.head!.seq} entries${result.threads ? ` (walked on ${result.threads} threads)` : ''}, head ${result.head!.hash}\n${result.checkpoints} checkpoints; closed by checkpoint ${result.closing!.number} signed by ${result.closing!.custodian} and ${result.closing!.witness}`
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
    const critical = sites.some((s) => s.findings.some((f) => f.severity === 'critical') || (s.state?.open.critical ?? 0) > 0);
    const open = (s: SiteOverview) => (s.state ? `${s.state.open.critical}/${s.state.open.warning}/${s.state.open.notice}` : 'not known');
    const out = (s: SiteOverview) => (s.state ? `${s.state.out.length}${s.state.overdue ? ` (${s.state.overdue} overdue)` : ''}` : 'not known');
    return {
      value: sites,
      human: [
        table(
          ['SITE', 'SITE ID', 'ENTRIES', 'HEAD', 'CHECKPOINTS', 'BUNDLES', 'LAST BUNDLE', 'OPEN C/W/N', 'OUT', 'FINDINGS'],
          sites.map((s) => [s.siteName || '(unnamed)', s.siteId.slice(0, 16), s.headSeq, s.headHash.slice(0, 16), s.checkpoints, s.bundles, s.lastBundleAt, open(s), out(s), s.findings.map((f) => f.kind.toUpperCase()).join(' ')]),
        ),
        ...sites.flatMap((s) => s.findings.map((f) => `${f.severity.toUpperCase()}: ${f.message}`)),
        ...sites.flatMap((s) => siteLines(s)),
      ].join('\n'),
      exitCode: critical ? 2 : 0,
    };
  },
} satisfies CommandModule['runs'];

/** A site's custody and open findings as its latest bundle's ledger shows them. */
function siteLines(s: SiteOverview): string[] {
  const name = s.siteName || '(unnamed)';
  if (!s.state) return [`${name}: custody and findings not known until its next bundle is added`];
  const at = s.state.asOf;
  return [
    `${name}, as of its bundle of ${at}: ${s.state.out.length ? `${s.state.out.length} item(s) out of the safe` : 'every item in the safe'}`,
    ...s.state.out.map(
      (c) => `  ${c.label}: out with ${c.custodian}${c.witness ? ` (witness ${c.witness})` : ' (no witness)'} since ${c.checkedOutAt} (entry ${c.checkoutSeq}), expected back ${c.expectedReturnAt}${c.overdue ? ' — OVERDUE' : ''}`,
    ),
    ...s.state.findings.map((f) => `  ${f.severity.toUpperCase()}: ${f.title} (since ${f.since})`),
  ];
}
