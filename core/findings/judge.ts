import type { Finding, FindingResolution, FindingSeverity, FindingSubject, ResolutionChoice } from './finding';
import { sortFindings } from './finding';
import { overdueCheck, overdueCustody, proofSubject, staleProof, type Draft } from './finding-drafts';

/** A ledger entry as the judgement reads it (payloads are read defensively: the ledger is verified separately). */
export interface JudgedEntry {
  readonly seq: number;
  readonly kind: string;
  readonly recordedAt: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** An item the quarterly presence check expects now (enrolled, neither lost nor retired). */
export interface ExpectedItem {
  readonly id: number;
  readonly label: string;
  readonly simulated: boolean;
  /** When it entered the inventory's checks (its enrolment). */
  readonly since: string;
  /** The site of the place it is kept at: network proofs of that site are the ones that count for it. */
  readonly site?: string | null;
}

/** A verdict the caller judged from the present (posture, certificates, sign-ins, the ledger itself). */
export type PresentFinding = Omit<Finding, 'resolution'>;

/** What folding the entries depends on besides the entries themselves: a fold is taken further only under the same settings. */
export interface FoldSettings {
  /** Days between presence checks of an item, and between network proofs (an organisation fact, 90 by default). */
  readonly checkIntervalDays: number;
  /** The items expected now; the fold reads when each entered the checks (the base of its first check's deadline). */
  readonly expectedItems: readonly ExpectedItem[];
  /** When the ledger began: the clock for "no network proof within the interval" starts there. */
  readonly ledgerCreatedAt: string | null;
}

export interface JudgementInput extends FoldSettings {
  readonly now: Date;
  /** The entries of JUDGED_KINDS, oldest first: walked once, so they may be read as they come rather than held. */
  readonly entries: Iterable<JudgedEntry>;
  readonly present: readonly PresentFinding[];
}

/** What is true now besides the ledger: the items expected (their labels and sites as they stand) and the verdicts judged from the present. */
export interface PresentState {
  readonly now: Date;
  readonly expectedItems: readonly ExpectedItem[];
  readonly findings: readonly PresentFinding[];
}

/** The ledger kinds the judgement folds over. */
export const JUDGED_KINDS = [
  'presence.checked',
  'custody.checked_out',
  'custody.returned',
  'custody.countersigned',
  'netpath.proved',
  'validation.waived',
  'validation.completed',
  'finding.resolved',
] as const;

const DAY = 86_400_000;
/** An item's check is "due" this many days before it is overdue. */
export const DUE_NOTICE_DAYS = 14;

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY).toISOString();
/**
 * Whether `days` after `iso` were up before `at`; in milliseconds, without writing the date out
 * (judged for every check). A time that is no date (only an edited ledger holds one) is never
 * past: writing it out would throw, and the ledger's verification names the edited entry.
 */
const upBefore = (iso: string, days: number, at: string): boolean => Date.parse(iso) + days * DAY < Date.parse(at);

/** When each expected item entered the checks, by id (the first of an id, as a search of the list finds it). */
function enrolmentDates(items: readonly ExpectedItem[]): Map<number, string> {
  const since = new Map<number, string>();
  for (const item of items) if (!since.has(item.id)) since.set(item.id, item.since);
  return since;
}

/**
 * The ledger folded into findings so far, taken one entry at a time in ledger order. What it holds
 * is the verdicts and the little state they are judged on (each item's last check, the checkouts
 * still out, each site's last met proof, the resolutions), never the entries: a fold kept from one
 * judgement to the next takes only the entries appended since.
 */
export interface FindingsFold {
  /** Folds one entry, in ledger order; entries of kinds outside JUDGED_KINDS change nothing. */
  take(entry: JudgedEntry): void;
  /** The findings as of `present.now`, from the entries taken so far; the fold itself is left as it was. */
  judge(present: PresentState): Finding[];
  /** Whether entries folded under `settings` would have been read as this fold read them. */
  foldsLike(settings: FoldSettings): boolean;
}

/**
 * Folds the ledger into findings. Verdicts raised by an entry (an anomaly, a seal not intact, a
 * failed proof, a deadline that passed) stay open until a `finding.resolved` entry names them;
 * an anomaly that later checks keep seeing adds to the same finding rather than opening another.
 */
export function judgeFindings(input: JudgementInput): Finding[] {
  const fold = foldFindings(input);
  for (const e of input.entries) fold.take(e);
  return fold.judge({ now: input.now, expectedItems: input.expectedItems, findings: input.present });
}

/** A fold of no entries yet, under these settings. */
export function foldFindings(settings: FoldSettings): FindingsFold {
  const interval = settings.checkIntervalDays;
  const enrolledSince = enrolmentDates(settings.expectedItems);
  const drafts = new Map<string, Draft>();
  const resolutions = new Map<string, FindingResolution>();
  /** The episode a repeated verdict adds to, by what it is about: key → finding id. */
  const episodes = new Map<string, string>();
  const lastCheck = new Map<number, { at: string; seq: number }>();
  const outstanding = new Map<number, { seq: number; label: string; expected: string; drill: boolean }>();
  /** The last met network proof of each site (null: proofs bound to no site); the clock starts with the ledger. */
  const lastProof = new Map<string | null, { at: string; seq: number | null }>();
  const proofClock = (site: string | null) => lastProof.get(site) ?? (settings.ledgerCreatedAt ? { at: settings.ledgerCreatedAt, seq: null } : null);

  /** Raises a verdict unless one of its id stands already. */
  const raiseIn = (into: Map<string, Draft>) => (draft: Omit<Draft, 'severity' | 'title'> & { severity: FindingSeverity; title: string }) => {
    if (into.has(draft.id)) return;
    into.set(draft.id, draft.drill ? { ...draft, severity: 'notice', title: `Drill: ${draft.title}` } : draft);
  };
  const raise = raiseIn(drafts);
  /** Adds to the open episode of `key`, or opens one. */
  const episode = (key: string, seq: number, open: () => Omit<Draft, 'severity' | 'title' | 'id'> & { severity: FindingSeverity; title: string; id?: string }, detail: string) => {
    const id = episodes.get(key);
    const current = id ? drafts.get(id) : undefined;
    if (current && !resolutions.has(current.id)) {
      current.evidence.push(seq);
      current.detail = detail;
      return;
    }
    const draft = open();
    const newId = draft.id ?? `${key}:${seq}`;
    raise({ ...draft, id: newId });
    episodes.set(key, newId);
  };

  const take = (e: JudgedEntry): void => {
    const p = e.payload;
    const drill = p.drill === true;
    switch (e.kind) {
      case 'presence.checked': {
        const id = Number(p.authenticatorId);
        const label = text(p.label);
        const subject: FindingSubject = { type: 'authenticator', id: String(id), label };
        const said = Array.isArray(p.findings) ? p.findings.map((f) => text((f as { text?: unknown }).text)).filter(Boolean).join('; ') : '';
        if (!drill) {
          const previous = lastCheck.get(id);
          const base = previous?.at ?? enrolledSince.get(id);
          if (base && upBefore(base, interval, e.recordedAt)) {
            const since = addDays(base, interval);
            raise(overdueCheck(subject, since, [...(previous ? [previous.seq] : []), e.seq], false, `checked on ${e.recordedAt.slice(0, 10)}, ${interval} days after the previous check were up on ${since.slice(0, 10)}`));
          }
          lastCheck.set(id, { at: e.recordedAt, seq: e.seq });
        }
        if (p.result === 'anomaly') {
          episode(`presence-anomaly:${id}`, e.seq, () => ({
            kind: 'presence-anomaly', severity: 'critical', subject, since: e.recordedAt, drill, closure: 'resolution', evidence: [e.seq],
            title: `${label}: the key is not as it was`,
            detail: said || 'the check found an anomaly',
            nextStep: 'Find out why (who used it, was it swapped). Then two custodians either accept its new state as the baseline or retire it.',
          }), said);
        } else if (p.result === 'missing') {
          episode(`presence-missing:${id}`, e.seq, () => ({
            kind: 'presence-missing', severity: 'critical', subject, since: e.recordedAt, drill, closure: 'resolution', evidence: [e.seq],
            title: `${label}: did not answer the presence check`,
            detail: said || 'the item was not found or did not answer',
            nextStep: 'Find the item and check it again, or, if it is gone, have two custodians retire it.',
          }), said);
        }
        break;
      }
      case 'custody.checked_out': {
        const label = text(p.label);
        const subject: FindingSubject = { type: 'checkout', id: String(e.seq), label };
        outstanding.set(e.seq, { seq: e.seq, label, expected: text(p.expectedReturnAt), drill });
        if (p.sealIntact === false) {
          raise({
            id: `seal-not-intact:${e.seq}`, kind: 'seal-not-intact', severity: 'critical', subject, since: e.recordedAt, drill, closure: 'resolution', evidence: [e.seq],
            title: `${label}: seal ${text(p.brokenSeal)} was not intact when broken`,
            detail: `the checkout (entry ${e.seq}) recorded the seal as not intact: the item may have been out of the safe unrecorded`,
            nextStep: 'Investigate who had access to the safe; check the item; two custodians resolve with what was found.',
          });
        }
        if (typeof p.recordedSeal === 'string' && p.recordedSeal !== text(p.brokenSeal)) {
          raise({
            id: `seal-mismatch:${e.seq}`, kind: 'seal-mismatch', severity: 'critical', subject, since: e.recordedAt, drill, closure: 'resolution', evidence: [e.seq],
            title: `${label}: found under seal ${text(p.brokenSeal)}, recorded under ${p.recordedSeal}`,
            detail: `the item was recorded as sealed under ${p.recordedSeal} but the seal broken at checkout (entry ${e.seq}) was ${text(p.brokenSeal)}`,
            nextStep: 'Find seal ' + p.recordedSeal + ' and how the item came to be under another seal; two custodians resolve with what was found.',
          });
        }
        if (p.noWitness === true) {
          raise({
            id: `custody-countersign:${e.seq}`, kind: 'custody-countersign', severity: 'critical', subject, since: e.recordedAt, drill, closure: 'condition', evidence: [e.seq],
            title: `${label}: emergency checkout without a witness`,
            detail: `checked out by one custodian (entry ${e.seq}); dual control is incomplete until a second custodian countersigns`,
            nextStep: 'A second custodian countersigns the checkout.',
          });
        }
        break;
      }
      case 'custody.countersigned':
        drafts.delete(`custody-countersign:${text(p.checkoutSeq)}`);
        break;
      case 'custody.returned': {
        const checkoutSeq = Number(p.checkoutSeq);
        const open = outstanding.get(checkoutSeq);
        outstanding.delete(checkoutSeq);
        if (open && open.expected && open.expected < e.recordedAt) raise(overdueCustody(open, [checkoutSeq, e.seq], `returned on ${e.recordedAt.slice(0, 16).replace('T', ' ')} UTC`));
        break;
      }
      case 'netpath.proved': {
        const site = typeof p.site === 'string' ? p.site : null;
        const subject = proofSubject(site);
        const last = proofClock(site);
        if (p.verdict === 'met') {
          if (last && upBefore(last.at, interval, e.recordedAt)) raise(staleProof(subject, addDays(last.at, interval), [...(last.seq ? [last.seq] : []), e.seq], `the next met proof came on ${e.recordedAt.slice(0, 10)}`));
          lastProof.set(site, { at: e.recordedAt, seq: e.seq });
        }
        if (p.verdict === 'not_met' || p.verdict === 'common_failure') {
          const common = p.verdict === 'common_failure';
          const key = `${common ? 'netpath-common-failure' : 'netpath-not-met'}:site${site === null ? '' : `:${site}`}`;
          episode(key, e.seq, () => ({
            kind: common ? 'netpath-common-failure' : 'netpath-not-met', severity: 'warning', subject, since: e.recordedAt, drill: false, closure: 'resolution', evidence: [e.seq],
            title: common ? 'The two network paths share a failure mode' : 'The room cannot reach Entra ID over two paths',
            detail: text(p.summary),
            nextStep: common ? 'Give the room a second path through a different provider and gateway (for example cellular), then prove the paths again.' : 'Restore the failed path and prove the paths again; two custodians resolve the finding with what was done.',
          }), text(p.summary));
        }
        break;
      }
      case 'validation.waived':
        raise({
          id: `validation-waived:${e.seq}`, kind: 'validation-waived', severity: 'warning', subject: { type: 'validation', id: text(p.validationSeq), label: `Validation step ${text(p.step)}` },
          since: e.recordedAt, drill: false, closure: 'condition', evidence: [e.seq],
          title: `Validation step "${text(p.step)}" was waived`,
          detail: `waived by ${text(p.by)}: ${text(p.reason)}`,
          nextStep: 'Attest the step in the next validation cycle.',
        });
        break;
      case 'validation.completed':
        // A waiver stands until a later cycle completes.
        for (const [id, draft] of drafts) if (draft.kind === 'validation-waived' && draft.subject.id !== text(p.validationSeq)) drafts.delete(id);
        break;
      case 'finding.resolved':
        resolutions.set(text(p.findingId), {
          seq: e.seq,
          at: e.recordedAt,
          by: Array.isArray(p.resolvedBy) ? p.resolvedBy.map(text) : [],
          reason: text(p.reason),
          choice: (text(p.choice) || 'none') as ResolutionChoice,
        });
        break;
    }
  };

  /** Deadlines passed by now, and the present's verdicts, are raised on a copy: the fold stays as the entries left it. */
  const judge = (present: PresentState): Finding[] => {
    const now = present.now;
    const nowIso = now.toISOString();
    const judged = new Map(drafts);
    const raise = raiseIn(judged);
    for (const open of outstanding.values()) {
      if (open.expected && Date.parse(open.expected) < now.getTime()) raise(overdueCustody(open, [open.seq], 'still out'));
    }
    for (const item of present.expectedItems) {
      if (item.simulated) continue;
      const last = lastCheck.get(item.id);
      const due = addDays(last?.at ?? item.since, interval);
      const subject: FindingSubject = { type: 'authenticator', id: String(item.id), label: item.label };
      const evidence = last ? [last.seq] : [];
      if (due < nowIso) raise(overdueCheck(subject, due, evidence, true, `last checked ${last ? `on ${last.at.slice(0, 10)}` : 'never (enrolled ' + item.since.slice(0, 10) + ')'}`));
      else if (Date.parse(due) - now.getTime() <= DUE_NOTICE_DAYS * DAY) {
        raise({
          id: `presence-due:${item.id}:${due.slice(0, 10)}`, kind: 'presence-due', severity: 'warning', subject, since: addDays(due, -DUE_NOTICE_DAYS), drill: false, closure: 'condition', evidence,
          title: `${item.label}: presence check due by ${due.slice(0, 10)}`,
          detail: `the quarterly check falls due ${interval} days after the last one`,
          nextStep: 'Run the presence check of this item.',
        });
      }
    }
    // Only the sites where keys are kept need a proof: a proof of another site does not stand in for theirs.
    const realItems = present.expectedItems.filter((i) => !i.simulated);
    const keySites = realItems.length ? [...new Set(realItems.map((i) => i.site ?? null))] : [null];
    for (const site of keySites) {
      const last = proofClock(site);
      const due = last && addDays(last.at, interval);
      if (last && due && due < nowIso) raise(staleProof(proofSubject(site), due, last.seq ? [last.seq] : [], last.seq ? `the last met proof${site === null ? '' : ` of ${site}`} was on ${last.at.slice(0, 10)}` : `no met proof${site === null ? '' : ` of ${site}`} has been recorded`));
    }
    for (const finding of present.findings) raise({ ...finding, evidence: [...finding.evidence] });

    return sortFindings([...judged.values()].map((d) => ({ ...d, evidence: [...d.evidence], resolution: resolutions.get(d.id) ?? null })));
  };

  const foldsLike = (other: FoldSettings): boolean => {
    if (other.checkIntervalDays !== interval || other.ledgerCreatedAt !== settings.ledgerCreatedAt) return false;
    const since = enrolmentDates(other.expectedItems);
    return since.size === enrolledSince.size && [...since].every(([id, at]) => enrolledSince.get(id) === at);
  };

  return { take, judge, foldsLike };
}
