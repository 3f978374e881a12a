import { expiryState } from '../../core/cards/smartcard';
import { countOpen, isOpen, sortFindings, type Finding, type FindingsSummary } from '../../core/findings/finding';
import type { PresentFinding } from '../../core/findings/judge';
import { reconcile } from '../../core/guidance/signins';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import { listAccounts } from '../../db/accounts';
import { listAuthenticators } from '../../db/authenticators';
import { sitesOfAuthenticators } from '../../db/netpath-sites';
import { firstEntry, latestEntryOfKinds } from '../../db/ledger';
import { readOrganisationFacts } from '../../db/posture-facts';
import { checkoutWindows, signInsOfUsers } from '../../db/signins';
import { listCardCertificates } from '../../db/smartcards';
import { judgeAudits } from '../guidance/audits';
import { assessPosture } from '../guidance/posture';
import { readValidation } from '../guidance/validation';
import { verifyStoredLedger } from '../ledger/ledger';
import { metadataFindings } from '../metadata/metadata-findings';
import { backupFindings } from '../backup/backup-findings';
import type { Session } from '../ports';
import { foldLedger, type FoldMode, type FoldOptions } from './folded-ledger';

/** Posture rules whose failure leaves the organisation without a way in: critical, not a warning. */
const CRITICAL_RULES = new Set(['two-accounts', 'ca-excluded', 'keys-in-custody', 'accounts-enabled']);
/** The entries that change what posture is judged on. */
const POSTURE_INPUTS = [
  'account.added', 'authenticator.added', 'authenticator.enrolled', 'smartcard.enrolled', 'posture.account_facts', 'posture.organisation_facts', 'posture.imported', 'posture.place_access', 'validation.attested',
] as const;

/** How a rule's evidence is made fresh: most come from Entra's exports, two are attested in the room. */
const FRESH_EVIDENCE: Readonly<Record<string, string>> = {
  'no-cleanup-scope': 'Attest each account again in a validation (keyward validation attest --step cleanup-excluded --custodian NAME --account UPN --policy NAME, or --no-cleanup-in-tenant), naming the automated cleanups it is excluded from.',
  'device-reachable': 'Review who can open each place holding a key and record the list again (keyward place access --place NAME --person NAME …), then review the lists in a validation.',
};
const REIMPORT = 'Export the evidence from Entra again and import it (keyward import entra), or record the facts again.';

export interface Judgement {
  readonly verification: LedgerVerification;
  /** Every finding, open and resolved, most severe first. */
  readonly findings: readonly Finding[];
  /** How the ledger was folded for it, and how many entries that took. */
  readonly folded: { readonly mode: FoldMode; readonly entries: number };
}

/**
 * The one judgement behind status, screens and reports: the ledger is verified first, then folded
 * into findings together with what is true now (posture, certificates, sign-ins, validation).
 * `verification` may be passed in when the caller has just verified the same ledger. The ledger's
 * fold is kept per connection and taken on by the entries appended since (app/findings/folded-ledger).
 */
export function judgeNow(session: Pick<Session, 'db' | 'clock'>, verification: LedgerVerification = verifyStoredLedger(session.db), options: FoldOptions = {}): Judgement {
  const now = session.clock.now();
  const { db } = session;
  const org = readOrganisationFacts(db);
  const present: PresentFinding[] = [];
  if (!verification.ok) present.push(ledgerUnverified(verification, now));

  const ledgerCreatedAt = firstEntry(db)?.recordedAt ?? null;
  // A rule is judged on the facts and inventory as they stand: the verdict dates from their last change.
  const factsChanged = latestEntryOfKinds(db, POSTURE_INPUTS);
  for (const rule of assessPosture(session)) {
    if (rule.result === 'stale') {
      const oldest = rule.sources[0];
      present.push({
        id: `posture-stale:${rule.id}`, kind: 'posture-stale', severity: 'warning', subject: { type: 'rule', id: rule.id, label: rule.title },
        since: oldest ? new Date(Date.parse(oldest.recordedAt) + org.evidenceIntervalDays * 86_400_000).toISOString() : now.toISOString(), drill: false, closure: 'condition',
        evidence: rule.sources.flatMap((s) => (s.seq === null ? [] : [s.seq])),
        title: `Evidence too old: ${rule.title}`, detail: rule.evidence, nextStep: FRESH_EVIDENCE[rule.id] ?? REIMPORT,
      });
      continue;
    }
    if (rule.result !== 'fail') continue;
    present.push({
      id: `posture-failed:${rule.id}`, kind: 'posture-failed', severity: CRITICAL_RULES.has(rule.id) ? 'critical' : 'warning',
      subject: { type: 'rule', id: rule.id, label: rule.title }, since: factsChanged?.recordedAt ?? ledgerCreatedAt ?? now.toISOString(), drill: false, closure: 'condition',
      evidence: rule.sources.some((s) => s.seq !== null) ? rule.sources.flatMap((s) => (s.seq === null ? [] : [s.seq])) : factsChanged ? [factsChanged.seq] : [],
      title: `Guidance not met: ${rule.title}`, detail: rule.evidence, nextStep: `Fix what the rule names; the guidance says: "${rule.guidance}"`,
    });
  }

  for (const card of listCardCertificates(db)) {
    if (card.retired || !card.certificate) continue;
    const { state, days } = expiryState(card.certificate.notAfter, now, org.expiryWindowDays);
    if (state === 'valid') continue;
    const expired = state === 'expired';
    present.push({
      id: `certificate-${state}:${card.id}:${card.certificate.notAfter.slice(0, 10)}`, kind: expired ? 'certificate-expired' : 'certificate-expiring',
      severity: card.simulated ? 'notice' : expired ? 'critical' : 'notice', subject: { type: 'authenticator', id: String(card.id), label: card.label },
      since: expired ? card.certificate.notAfter : new Date(Date.parse(card.certificate.notAfter) - org.expiryWindowDays * 86_400_000).toISOString(),
      // An expired card is a verdict two custodians close by retiring it; one about to expire ends when it is renewed.
      drill: card.simulated, closure: expired ? 'resolution' : 'condition', evidence: [],
      title: `${card.simulated ? 'Drill: ' : ''}${card.label}: certificate ${expired ? `expired on ${card.certificate.notAfter.slice(0, 10)}` : `expires in ${days} day(s)`}`,
      detail: `PIV Authentication certificate not after ${card.certificate.notAfter}`,
      nextStep: expired ? 'Issue a new card and enrol it; retire this one.' : 'Plan the card\'s renewal before it expires.',
    });
  }

  const accounts = listAccounts(db);
  const ids = accounts.map((a) => a.objectId);
  const reconciliation = reconcile(signInsOfUsers(db, ids), checkoutWindows(db), ids, now);
  for (const s of reconciliation.incidents) {
    const account = accounts.find((a) => a.objectId.toLowerCase() === s.userId);
    const label = account?.upn ?? s.upn ?? s.userId;
    present.push({
      id: `signin-incident:${s.id}`, kind: 'signin-incident', severity: 'critical', subject: { type: 'account', id: s.userId, label },
      since: s.createdAt, drill: false, closure: 'resolution', evidence: [],
      title: `${label}: signed in outside any logged checkout`,
      detail: `sign-in ${s.id} at ${s.createdAt} from ${s.ip || 'an unknown address'} (${s.app || 'unknown app'}), error code ${s.errorCode}`,
      nextStep: 'Treat it as an incident: find who signed in and why; two custodians resolve it with the incident ticket.',
    });
  }
  for (const c of judgeAudits(session).incidents) {
    present.push({
      id: `audit-incident:${c.audit.id}`, kind: 'audit-incident', severity: 'critical', subject: { type: c.subject.type === 'account' ? 'account' : 'rule', id: c.subject.id, label: c.subject.label },
      since: c.audit.at, drill: false, closure: 'resolution', evidence: [],
      title: `${c.subject.label}: ${c.what} outside any checkout or validation`,
      detail: `directory audit ${c.audit.id} at ${c.audit.at}: "${c.audit.activity}" by ${c.audit.initiatedByUpn || c.audit.initiatedBy || 'an unknown actor'} (${c.audit.result || 'result not given'})`,
      nextStep: 'Treat it as an incident: find who made the change and why; two custodians resolve it with the incident ticket.',
    });
  }
  for (const w of reconciliation.incompleteDrills) {
    present.push({
      id: `drill-incomplete:${w.checkoutSeq}`, kind: 'drill-incomplete', severity: 'warning', subject: { type: 'checkout', id: String(w.checkoutSeq), label: w.label },
      since: w.to ?? w.from, drill: false, closure: 'resolution', evidence: [w.checkoutSeq],
      title: `${w.label}: drill without a sign-in`,
      detail: `the drill checkout (entry ${w.checkoutSeq}) ended with no successful sign-in by the account in the imported logs`,
      nextStep: 'Import the sign-in logs that cover the drill, or record why the sign-in was not tested.',
    });
  }

  present.push(...metadataFindings(session, now));
  present.push(...backupFindings(session, now));

  const validation = readValidation(session);
  if (validation.due) {
    present.push({
      id: `validation-due:${validation.dueAt?.slice(0, 10) ?? 'never-completed'}`, kind: 'validation-due', severity: 'warning', subject: { type: 'validation', id: 'cycle', label: 'Validation' },
      since: validation.dueAt ?? ledgerCreatedAt ?? now.toISOString(), drill: false, closure: 'condition', evidence: [],
      title: 'Validation of the emergency access process is due', detail: validation.reasons.join('; '),
      nextStep: 'Start a validation and walk its checklist.',
    });
  }

  const keptAt = sitesOfAuthenticators(db);
  const expectedItems = listAuthenticators(db)
    .filter((a) => a.enrolled && a.state !== 'retired' && a.state !== 'lost')
    .map((a) => ({ id: a.id, label: a.label, simulated: a.simulated, since: a.createdAt, site: keptAt.get(a.id) ?? null }));
  const { fold, mode, entriesFolded } = foldLedger(db, { checkIntervalDays: org.checkIntervalDays, expectedItems, ledgerCreatedAt }, now, verification, options);
  const findings = fold.judge({ now, expectedItems, findings: present });
  return { verification, findings, folded: { mode, entries: entriesFolded } };
}

function ledgerUnverified(v: LedgerVerification, now: Date): PresentFinding {
  return {
    id: `ledger-unverified:${v.firstBadSeq ?? 0}:${v.reason ?? 'unknown'}`, kind: 'ledger-unverified', severity: 'critical',
    subject: { type: 'ledger', id: 'ledger', label: 'Ledger' }, since: now.toISOString(), drill: false, closure: 'condition',
    evidence: v.firstBadSeq ? [v.firstBadSeq] : [],
    title: `The ledger does not verify${v.firstBadSeq ? ` at entry ${v.firstBadSeq}` : ''}`,
    detail: v.message ?? v.reason ?? 'verification failed',
    nextStep: 'Stop using this database: compare it with the last printed head hash and a backup, and call the security officer. Nothing it says can be trusted until then.',
  };
}

export interface FindingsFilter {
  /** Resolved findings too. */
  readonly all?: boolean;
}

/** Every open finding (or all, resolved too), gravest first; judged on `verification` when the caller already has one. */
export function listFindings(session: Pick<Session, 'db' | 'clock'>, filter: FindingsFilter = {}, verification?: LedgerVerification): Finding[] {
  const { findings } = judgeNow(session, verification);
  return sortFindings(filter.all ? findings : findings.filter(isOpen));
}

export function summariseFindings(judgement: Judgement): FindingsSummary {
  const open = judgement.findings.filter(isOpen);
  const counts = countOpen(open);
  return {
    ledgerVerified: judgement.verification.ok,
    ledgerProblem: judgement.verification.ok ? null : (judgement.verification.message ?? judgement.verification.reason ?? 'verification failed'),
    open: counts,
    findings: open,
  };
}
