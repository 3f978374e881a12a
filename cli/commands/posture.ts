import { KeywardError } from '../../core/errors';
import { currentAlertQueries, writeAlertRulesTemplate } from '../../app/guidance/alert-rules';
import { assessPosture, recordAccountFacts, recordOrganisationFacts } from '../../app/guidance/posture';
import { importEntraExport } from '../../app/guidance/entra-import';
import { readPlaceAccess, recordPlaceAccess } from '../../app/guidance/place-access';
import type { CommandModule } from '../command';
import { table } from '../format';
import { withProgress } from '../progress';
import { metadataFlags } from '../../app/metadata/metadata-findings';

export const runs = {
  accountFacts: ({ options, session }) => {
    const facts = recordAccountFacts(session(), {
      upn: options.upn,
      cloudOnly: options['cloud-only'],
      globalAdmin: options['global-admin'],
      caExcluded: options['ca-excluded'],
      phoneMfa: options['phone-mfa'],
      perUserMfa: options['per-user-mfa'],
      personalMethods: options['personal-methods'],
      mechanism: options.mechanism,
    });
    return { value: facts, human: `recorded facts for ${options.upn}` };
  },
  orgFacts: ({ options, session }) => {
    const facts = recordOrganisationFacts(session(), { adminMechanism: options['admin-mechanism'], signInMonitoring: options.monitoring, caStance: options['ca-stance'], expiryWindowDays: options['expiry-window'], checkIntervalDays: options['check-interval'], evidenceIntervalDays: options['evidence-interval'] });
    return { value: facts, human: 'recorded the organisation\'s facts' };
  },
  posture: ({ session }) => {
    const rules = assessPosture(session());
    const failed = rules.some((r) => r.result === 'fail');
    // The keys' standing in the FIDO metadata: a revoked or compromised model fails the run as a failed rule does.
    const metadata = metadataFlags(session(), session().clock.now());
    const critical = metadata.some((m) => m.severity === 'critical');
    return {
      value: { ok: !failed && !critical, rules, metadata },
      human: [table(['RESULT', 'RULE', 'EVIDENCE'], rules.map((r) => [r.result.toUpperCase(), r.title, r.evidence])), ...metadata.map((m) => `METADATA ${m.severity.toUpperCase()}: ${m.text}`)].join('\n'),
      exitCode: failed || critical ? 2 : 0,
    };
  },
  placeAccess: ({ options, session }) => {
    const list = recordPlaceAccess(session(), { place: options.place, people: options.person ?? [] });
    const rule = assessPosture(session()).find((r) => r.id === 'device-reachable')!;
    const out = rule.result === 'fail';
    return {
      value: { ...list, rule },
      human: `recorded ${list.people.length} ${list.people.length === 1 ? 'person' : 'people'} with access to ${list.place} (entry ${list.seq})${out ? `\nFAIL ${rule.title}: ${rule.evidence}` : ''}`,
      exitCode: out ? 2 : 0,
    };
  },
  placeAccessList: ({ session }) => {
    const places = readPlaceAccess(session());
    return {
      value: places,
      human: table(['PLACE', 'HOLDS', 'WHO CAN OPEN IT', 'RECORDED', 'ENTRY'], places.map((p) => [p.place, p.items.join(', '), p.access?.people.join(', ') ?? 'nobody recorded', p.access?.recordedAt.slice(0, 10), p.access?.seq])),
    };
  },
  importEntra: ({ options, session, io }) => {
    const result = withProgress(io, `reading ${String(options.file)}`, 'bytes', (report) => importEntraExport(session(), String(options.file), report));
    return {
      value: result,
      human: result.alreadyImported ? `${result.file} was imported before; nothing changed` : `imported ${result.kind} from ${result.file}: ${result.summary}`,
    };
  },
  kql: ({ options, session }) => {
    const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    if (options.arm !== undefined) {
      const written = writeAlertRulesTemplate(session(), { out: options.arm, emails: list(options.email), sms: list(options.sms) });
      return { value: written, human: `wrote ${written.path}: ${written.rules.length} alert rule(s) (${written.rules.join(', ')}) and an action group with ${written.emails} email and ${written.sms} SMS receiver(s)` };
    }
    if (options.email !== undefined || options.sms !== undefined) throw new KeywardError('invalid_input', '--email and --sms go with --arm FILE', 'arm');
    const queries = currentAlertQueries(session());
    return { value: queries, human: queries.map((q) => `// ${q.title}\n${q.query}`).join('\n\n') };
  },
} satisfies CommandModule['runs'];
