import { awaitsCountersign, isOverdue, type CustodyView } from '../../core/custody/custody';
import { countOpen, isOpen } from '../../core/findings/finding';
import { JUDGED_KINDS, judgeFindings, type ExpectedItem } from '../../core/findings/judge';
import type { Authenticator, AuthenticatorKind, AuthenticatorState } from '../../core/inventory/inventory';
import type { LedgerEntry } from '../../core/ledger/ledger';
import type { SiteJudgement, SiteState } from '../../core/audit/site-view';
import { INVENTORY_KINDS, replayInventory } from '../../core/ledger/replay';

/** The entries a site's custody, inventory and findings are judged from; the rest of the ledger is only shown. */
export const SITE_STATE_KINDS: readonly string[] = [...new Set<string>([...INVENTORY_KINDS, ...JUDGED_KINDS, 'ledger.created'])];


export const summariseSite = (j: SiteJudgement): SiteState => {
  const out = j.custody.filter((c) => c.returnedAt === null);
  return { asOf: j.asOf, checkIntervalDays: j.checkIntervalDays, out, overdue: out.filter((c) => c.overdue).length, findings: j.findings.filter(isOpen), open: j.open };
};

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const ENROLMENTS = new Set(['authenticator.enrolled', 'smartcard.enrolled']);

/**
 * Judges a site's entries (those of SITE_STATE_KINDS at least, oldest first) with the site's own
 * rules: the inventory replay that `ledger verify` compares the tables with, the custody rules
 * (overdue, awaiting a countersignature) and the findings judgement.
 */
export function judgeSiteEntries(entries: readonly LedgerEntry[], asOf: string, checkIntervalDays: number): SiteJudgement {
  const now = new Date(asOf);
  const rows = replayInventory(entries);
  const created = new Map<number, string>();
  const enrolled = new Set<number>();
  const details = new Map<number, { serial: string; model: string | null; expiresAt: string | null }>();
  const lastCheck = new Map<number, { at: string; result: Authenticator['lastResult'] }>();
  const returns = new Map<number, LedgerEntry>();
  const checkouts: LedgerEntry[] = [];
  for (const e of entries) {
    const p = e.payload as Record<string, unknown>;
    const id = Number(p.authenticatorId);
    if (e.kind === 'authenticator.added' || ENROLMENTS.has(e.kind)) {
      if (!created.has(id)) created.set(id, e.recordedAt);
      const before = details.get(id);
      const certificate = (p.authentication ?? null) as { notAfter?: unknown } | null;
      details.set(id, { serial: text(p.serial) || before?.serial || '', model: text(p.model) || before?.model || null, expiresAt: text(certificate?.notAfter) || before?.expiresAt || null });
    }
    if (ENROLMENTS.has(e.kind)) enrolled.add(id);
    if (e.kind === 'presence.checked') lastCheck.set(id, { at: e.recordedAt, result: (text(p.result) || null) as Authenticator['lastResult'] });
    if (e.kind === 'custody.checked_out') checkouts.push(e);
    if (e.kind === 'custody.returned') returns.set(Number(p.checkoutSeq), e);
  }

  const authenticators: Authenticator[] = [...rows.authenticators].map(([id, a]) => ({
    id,
    kind: a.kind as AuthenticatorKind,
    label: a.label,
    serial: details.get(id)?.serial ?? '',
    state: a.state as AuthenticatorState,
    placeName: a.place,
    accountUpn: a.account,
    createdAt: created.get(id) ?? asOf,
    simulated: a.simulated,
    enrolled: enrolled.has(id),
    model: details.get(id)?.model ?? null,
    lastCheckedAt: lastCheck.get(id)?.at ?? null,
    lastResult: lastCheck.get(id)?.result ?? null,
    expiresAt: details.get(id)?.expiresAt ?? null,
    sealSerial: a.sealSerial,
    notes: [],
  }));

  const nameOf = (id: number | null) => (id === null ? null : (rows.custodians.get(id)?.name ?? `custodian ${id}`));
  const custody: CustodyView[] = checkouts
    .map((e): CustodyView => {
      const p = e.payload as Record<string, unknown>;
      const held = rows.checkouts.get(e.seq);
      const back = returns.get(e.seq);
      const witnessId = held?.witnessId ?? null;
      const checkout = {
        id: e.seq,
        authenticatorId: Number(p.authenticatorId),
        label: text(p.label),
        custodianId: Number(p.custodianId),
        custodian: nameOf(Number(p.custodianId)) ?? '',
        witnessId,
        witness: nameOf(witnessId),
        reason: text(p.reason),
        ticket: text(p.ticket),
        expectedReturnAt: text(p.expectedReturnAt),
        brokenSeal: text(p.brokenSeal),
        sealIntact: p.sealIntact !== false,
        checkedOutAt: e.recordedAt,
        checkoutSeq: e.seq,
        countersignSeq: held?.countersignSeq ?? null,
        returnedAt: back?.recordedAt ?? null,
        returnSeq: back?.seq ?? null,
        returnSeal: back ? text((back.payload as Record<string, unknown>).newSeal) : null,
      };
      return { ...checkout, overdue: checkout.returnedAt === null && isOverdue(checkout, now), awaitingCountersign: awaitsCountersign(checkout) };
    })
    .reverse();

  const sites = new Map([...rows.places.values()].map((place) => [place.name, place.site]));
  const expectedItems: ExpectedItem[] = authenticators
    .filter((a) => a.enrolled && a.state !== 'retired' && a.state !== 'lost')
    .map((a) => ({ id: a.id, label: a.label, simulated: a.simulated, since: a.createdAt, site: (a.placeName && sites.get(a.placeName)) || null }));
  const judged = new Set<string>(JUDGED_KINDS);
  const findings = judgeFindings({
    now,
    checkIntervalDays,
    entries: entries.filter((e) => judged.has(e.kind)),
    expectedItems,
    ledgerCreatedAt: entries[0]?.seq === 1 ? entries[0].recordedAt : null,
    present: [],
  });
  return { asOf, checkIntervalDays, authenticators, custody, findings, open: countOpen(findings.filter(isOpen)) };
}
