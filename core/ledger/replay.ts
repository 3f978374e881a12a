/**
 * The inventory as the ledger alone defines it: every table row that matters for custody can be
 * derived by replaying the entries in order, so an edit to a table that bypassed the ledger shows
 * up as a disagreement. Pure: the caller supplies the entries and the rows as they are stored.
 */
export interface ReplayedEntry {
  readonly seq: number;
  readonly kind: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface InventoryRows {
  readonly places: ReadonlyMap<number, { readonly name: string; readonly site: string; readonly safe: string; readonly slot: string }>;
  readonly accounts: ReadonlyMap<number, { readonly upn: string; readonly objectId: string; readonly label: string }>;
  readonly authenticators: ReadonlyMap<
    number,
    { readonly kind: string; readonly label: string; readonly state: string; readonly place: string | null; readonly account: string | null; readonly simulated: boolean; readonly sealSerial: string | null }
  >;
  readonly custodians: ReadonlyMap<number, { readonly name: string; readonly active: boolean; readonly credentialId: string | null; readonly publicKey: string | null; readonly drillKey: boolean | null }>;
  readonly seals: ReadonlyMap<string, { readonly state: string }>;
  readonly checkouts: ReadonlyMap<number, { readonly authenticatorId: number; readonly custodianId: number; readonly witnessId: number | null; readonly countersignSeq: number | null; readonly returnSeq: number | null }>;
}

/** The kinds that change what InventoryRows holds. */
export const INVENTORY_KINDS = [
  'place.added',
  'account.added',
  'authenticator.added',
  'authenticator.enrolled',
  'smartcard.enrolled',
  'authenticator.bound',
  'authenticator.unbound',
  'authenticator.retired',
  'custodian.added',
  'custodians.founded',
  'custodian.key_enrolled',
  'custodian.key_replaced',
  'custodian.deactivated',
  'seal.registered',
  'seal.applied',
  'custody.checked_out',
  'custody.returned',
  'custody.countersigned',
  'finding.resolved',
] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyMap<infer K2, infer V> ? Map<K2, { -readonly [F in keyof V]: V[F] }> : T[K] };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const nullableText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function replayInventory(entries: Iterable<ReplayedEntry>): InventoryRows {
  const replay = new InventoryReplay();
  for (const entry of entries) replay.take(entry);
  return replay.rows;
}

const INVENTORY_KIND_SET: ReadonlySet<string> = new Set(INVENTORY_KINDS);

/** Whether entries of this kind change what InventoryRows holds. */
export const changesInventory = (kind: string): boolean => INVENTORY_KIND_SET.has(kind);

/**
 * The replay one entry at a time, for a walk that reads the ledger in batches: what it holds is
 * the inventory so far (its items, people, seals and checkouts), never the entries themselves.
 */
export class InventoryReplay {
  private readonly state: Mutable<InventoryRows> = { places: new Map(), accounts: new Map(), authenticators: new Map(), custodians: new Map(), seals: new Map(), checkouts: new Map() };

  /** The inventory as the entries taken so far define it. */
  get rows(): InventoryRows {
    return this.state;
  }

  private setKey(id: number, name: string, key: { credentialId?: unknown; publicKey?: unknown }, drill: boolean): void {
    const custodian = this.state.custodians.get(id) ?? { name, active: true, credentialId: null, publicKey: null, drillKey: null };
    this.state.custodians.set(id, { ...custodian, credentialId: text(key.credentialId), publicKey: text(key.publicKey), drillKey: drill });
  }

  /** Applies one entry, in ledger order; entries of other kinds change nothing. */
  take({ seq, kind, payload: p }: ReplayedEntry): void {
    const rows = this.state;
    const itemId = Number(p.authenticatorId);
    const item = rows.authenticators.get(itemId);
    switch (kind) {
      case 'place.added':
        rows.places.set(Number(p.placeId), { name: text(p.name), site: text(p.site), safe: text(p.safe), slot: text(p.slot) });
        break;
      case 'account.added':
        rows.accounts.set(Number(p.accountId), { upn: text(p.upn), objectId: text(p.objectId), label: text(p.label) });
        break;
      case 'authenticator.added':
        rows.authenticators.set(itemId, { kind: text(p.kind), label: text(p.label), state: text(p.state) || 'in_safe', place: nullableText(p.place), account: nullableText(p.account), simulated: false, sealSerial: null });
        break;
      case 'authenticator.enrolled':
      case 'smartcard.enrolled':
        // Enrolment either creates the item or completes one added before.
        if (!item) {
          rows.authenticators.set(itemId, { kind: kind === 'smartcard.enrolled' ? 'smartcard' : 'fido2', label: text(p.label), state: 'in_safe', place: nullableText(p.place), account: nullableText(p.account), simulated: p.drill === true, sealSerial: null });
        }
        break;
      case 'authenticator.bound':
        if (item) item.account = text(p.account);
        break;
      case 'authenticator.unbound':
        if (item) item.account = null;
        break;
      case 'authenticator.retired':
        if (item) item.state = 'retired';
        break;
      case 'custodian.added':
        rows.custodians.set(Number(p.custodianId), { name: text(p.name), active: true, credentialId: null, publicKey: null, drillKey: null });
        break;
      case 'custodians.founded':
        for (const founder of Array.isArray(p.custodians) ? (p.custodians as Record<string, unknown>[]) : []) this.setKey(Number(founder.custodianId), text(founder.name), founder, p.drill === true);
        break;
      case 'custodian.key_enrolled':
      case 'custodian.key_replaced':
        this.setKey(Number(p.custodianId), text(p.name), p, p.drill === true);
        break;
      case 'custodian.deactivated': {
        const custodian = rows.custodians.get(Number(p.custodianId));
        if (custodian) custodian.active = false;
        break;
      }
      case 'seal.registered':
        rows.seals.set(text(p.serial), { state: 'unused' });
        break;
      case 'seal.applied':
        rows.seals.set(text(p.serial), { state: 'sealing' });
        if (item) item.sealSerial = text(p.serial);
        break;
      case 'custody.checked_out': {
        const seal = rows.seals.get(text(p.brokenSeal));
        if (seal) seal.state = 'broken';
        if (item) Object.assign(item, { state: 'checked_out', sealSerial: null });
        rows.checkouts.set(seq, { authenticatorId: itemId, custodianId: Number(p.custodianId), witnessId: typeof p.witnessId === 'number' ? p.witnessId : null, countersignSeq: null, returnSeq: null });
        break;
      }
      case 'custody.returned': {
        rows.seals.set(text(p.newSeal), { state: 'sealing' });
        if (item) Object.assign(item, { state: 'in_safe', sealSerial: text(p.newSeal) });
        const checkout = rows.checkouts.get(Number(p.checkoutSeq));
        if (checkout) checkout.returnSeq = seq;
        break;
      }
      case 'custody.countersigned': {
        const checkout = rows.checkouts.get(Number(p.checkoutSeq));
        if (checkout) checkout.countersignSeq = seq;
        break;
      }
      case 'finding.resolved': {
        const subject = p.subject as { type?: unknown; id?: unknown } | undefined;
        const retired = rows.authenticators.get(Number(subject?.id));
        if (p.choice === 'retire' && subject?.type === 'authenticator' && retired) retired.state = 'retired';
        break;
      }
    }
  }
}

const show = (value: unknown) => JSON.stringify(value);

/**
 * Every row where the tables and the ledger disagree, in words: a changed field, a row no entry
 * made, or a row an entry made that is gone.
 */
export function compareInventory(stored: InventoryRows, derived: InventoryRows): string[] {
  const problems: string[] = [];
  const table = <K, V extends object>(name: string, label: (row: V) => string, tableRows: ReadonlyMap<K, V>, ledgerRows: ReadonlyMap<K, V>) => {
    const named = (id: K, row: V) => `${name} ${String(id)}${label(row) ? ` (${label(row)})` : ''}`;
    for (const [id, row] of tableRows) {
      const expected = ledgerRows.get(id);
      if (!expected) {
        problems.push(`${named(id, row)} is in the table but no ledger entry made it`);
        continue;
      }
      for (const field of Object.keys(expected) as (keyof V)[]) {
        if (show(row[field]) !== show(expected[field])) problems.push(`${named(id, expected)}: ${String(field)} is ${show(row[field])} in the table but ${show(expected[field])} by the ledger`);
      }
    }
    for (const [id, row] of ledgerRows) if (!tableRows.has(id)) problems.push(`${named(id, row)} is in the ledger but missing from the table`);
  };
  table('place', (r) => r.name, stored.places, derived.places);
  table('account', (r) => r.upn, stored.accounts, derived.accounts);
  table('authenticator', (r) => r.label, stored.authenticators, derived.authenticators);
  table('custodian', (r) => r.name, stored.custodians, derived.custodians);
  table('seal', () => '', stored.seals, derived.seals);
  table('checkout of entry', () => '', stored.checkouts, derived.checkouts);
  return problems;
}
