/**
 * One sentence per ledger entry, in the words a custodian or auditor uses: what happened, to
 * which item or person, and the facts that matter. Shown in the ledger list and before a touch,
 * so a custodian reads what they are about to sign instead of its JSON.
 */
type Payload = { readonly [key: string]: unknown };

export interface SummarisedEntry {
  readonly kind: string;
  readonly payload: Payload;
  readonly actors: readonly { readonly role: string; readonly name: string }[];
}

const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const drillMark = (p: Payload) => (p.drill === true ? ' (drill)' : '');
const actorOf = (e: SummarisedEntry, role: string) => e.actors.find((a) => a.role === role)?.name ?? '';
const minute = (iso: unknown) => (typeof iso === 'string' && iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : str(iso));
const plural = (n: unknown, one: string, many = `${one}s`) => `${str(n)} ${Number(n) === 1 ? one : many}`;
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

const SUMMARIES: Record<string, (p: Payload, e: SummarisedEntry) => string> = {
  'ledger.created': () => 'Ledger created',
  'account.added': (p) => `Emergency account ${str(p.upn)} added${p.label ? ` as "${str(p.label)}"` : ''}`,
  'place.added': (p) => `Storage place ${str(p.name)} added${p.site ? ` (site ${str(p.site)}${p.safe ? `, safe ${str(p.safe)}` : ''}${p.slot ? `, slot ${str(p.slot)}` : ''})` : ''}`,
  'authenticator.added': (p) => `${p.kind === 'smartcard' ? 'Smartcard' : 'Key'} ${str(p.label)} added${p.place ? ` at ${str(p.place)}` : ''}${p.account ? `, for ${str(p.account)}` : ''}`,
  'custodian.added': (p) => `Custodian ${str(p.name)} added`,
  'seal.registered': (p) => `Seal ${str(p.serial)} registered`,
  'seal.applied': (p) => `${str(p.label)} sealed under ${str(p.serial)}`,
  'authenticator.enrolled': (p) => `Key ${str(p.label)} enrolled${p.model ? ` (${str(p.model)})` : ''}${p.account ? ` for ${str(p.account)}` : ''}${drillMark(p)}`,
  'authenticator.bound': (p) => `${str(p.label)} bound to ${str(p.account)}${drillMark(p)}`,
  'authenticator.unbound': (p) => `${str(p.label)} unbound${p.account ? ` from ${str(p.account)}` : ''}${drillMark(p)}`,
  'authenticator.retired': (p) => `${str(p.label)} retired${p.reason ? `: ${str(p.reason)}` : ''}${drillMark(p)}`,
  'smartcard.enrolled': (p) => `Smartcard ${str(p.label)} enrolled${p.account ? ` for ${str(p.account)}` : ''}${drillMark(p)}`,
  'presence.checked': (p) => {
    const findings = list(p.findings).length;
    return `Presence check of ${str(p.label)}: ${str(p.result).toUpperCase()}${findings ? `, ${plural(findings, 'finding')}` : ''}${drillMark(p)}`;
  },
  'netpath.classified': (p) => `Interface ${str(p.interface)} classified as ${str(p.class)}`,
  'netpath.proved': (p) => `Network paths: ${str(p.verdict).replace(/_/g, ' ').toUpperCase()} — ${str(p.summary)}`,
  'custodians.founded': (p) => `Circle of custodians founded by ${list(p.custodians).map((c) => str((c as Payload).name)).join(' and ')}${drillMark(p)}`,
  'custodian.key_enrolled': (p) => `${str(p.name)}'s own key enrolled${p.joined ? ' (joins the circle)' : ''}${drillMark(p)}`,
  'custodian.key_replaced': (p) => `${str(p.name)}'s key replaced${p.reason ? `: ${str(p.reason)}` : ''}${drillMark(p)}`,
  'custodian.deactivated': (p) => `Custodian ${str(p.name)} deactivated${p.reason ? `: ${str(p.reason)}` : ''}${drillMark(p)}`,
  'custody.checked_out': (p, e) =>
    `${str(p.label)} checked out by ${actorOf(e, 'custodian')}${actorOf(e, 'witness') ? `, witness ${actorOf(e, 'witness')}` : ', no witness'}; ${str(p.reason)}${p.ticket ? ` ${str(p.ticket)}` : ''}; seal ${str(p.brokenSeal)} broken${p.sealIntact === false ? ' (NOT intact)' : ''}; due back ${minute(p.expectedReturnAt)}${drillMark(p)}`,
  'custody.returned': (p, e) => {
    const presence = (p.presence as Payload | null | undefined)?.result;
    return `${str(p.label)} returned by ${actorOf(e, 'custodian')}, witness ${actorOf(e, 'witness')}; new seal ${str(p.newSeal)}${presence ? `; presence ${str(presence).toUpperCase()}` : ''}${p.overdue ? '; was OVERDUE' : ''}${drillMark(p)}`;
  },
  'custody.countersigned': (p, e) => `Checkout of ${str(p.label)} (entry ${str(p.checkoutSeq)}) countersigned by ${actorOf(e, 'witness')}${drillMark(p)}`,
  'posture.account_facts': (p) => `Facts recorded for ${str(p.upn)}`,
  'posture.organisation_facts': () => 'Organisation facts recorded',
  'posture.imported': (p) => `Entra export ${str(p.file)} imported: ${plural(p.records, 'record')}`,
  'posture.place_access': (p) =>
    `Access to ${str(p.place)} recorded: ${list(p.people).map(str).join(', ') || 'nobody'}${list(p.added).length ? `; added ${list(p.added).map(str).join(', ')}` : ''}${list(p.removed).length ? `; REMOVED ${list(p.removed).map(str).join(', ')}` : ''}`,
  'signins.imported': (p) => `Sign-in log ${str(p.file)} imported: ${plural(p.records, 'record')}, ${str(p.added)} new`,
  'signins.reconciled': (p) => {
    const incidents = list(p.incidents).length;
    return `Sign-ins reconciled: ${str(p.explained)} explained, ${incidents ? `${plural(incidents, 'INCIDENT')}` : 'no incidents'}${list(p.incompleteDrills).length ? `, ${plural(list(p.incompleteDrills).length, 'incomplete drill')}` : ''}`;
  },
  'audits.imported': (p) => `Directory audit log ${str(p.file)} imported: ${plural(p.records, 'record')}, ${str(p.added)} new`,
  'audits.reconciled': (p) => {
    const incidents = list(p.incidents).length;
    return `Directory changes reconciled: ${str(p.explained)} explained, ${incidents ? plural(incidents, 'INCIDENT') : 'no incidents'}`;
  },
  'metadata.imported': (p) => `FIDO metadata ${str(p.file)} imported: number ${str(p.no)}, ${plural(p.entries, 'entry', 'entries')}${p.stale ? ' (STALE)' : ''}`,
  'site.named': (p) => `Site named ${str(p.name)}`,
  'ledger.checkpoint': (p, e) => `Ledger checkpoint ${str(p.number)} signed by ${e.actors.map((a) => a.name).join(' and ')}: head ${str(p.headHash).slice(0, 12)}… after ${plural(p.entries, 'entry', 'entries')}${drillMark(p)}`,
  'ledger.backed_up': (p) => `Ledger backed up${p.file ? ` to ${str(p.file)}` : ''}`,
  'ledger.restored': (p) => `Ledger restored${p.file ? ` from ${str(p.file)}` : ''}${p.rollback === true ? ' (ROLLBACK)' : ''}`,
  'validation.started': () => 'Validation started',
  'validation.attested': (p) => `Validation step "${str(p.step)}" attested by ${str(p.by)}${p.account ? ` for ${str(p.account)}` : ''}${drillMark(p)}`,
  'validation.waived': (p) => `Validation step "${str(p.step)}" WAIVED by ${str(p.by)}${p.reason ? `: ${str(p.reason)}` : ''}${drillMark(p)}`,
  'validation.completed': () => 'Validation completed',
  'validation.subscription_changed': (p) => `Subscription change recorded${p.note ? `: ${str(p.note)}` : ''}`,
  'finding.resolved': (p, e) => {
    const subject = str((p.subject as Payload | undefined)?.label);
    return `Finding resolved: ${str(p.findingKind).replace(/-/g, ' ')}${subject ? ` on ${subject}` : ''}, by ${e.actors.map((a) => a.name).join(' and ')}`;
  },
};

export function summariseEntry(entry: SummarisedEntry): string {
  const describe = SUMMARIES[entry.kind];
  return describe ? describe(entry.payload, entry) : entry.kind;
}
