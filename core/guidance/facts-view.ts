import type { OrganisationFacts, Tristate } from './posture';

/** What the Facts screen shows: the facts recorded by hand, with when, and every Entra import, newest first. */
/** The facts about one emergency account that a custodian records by hand (the database keeps them with the account's groups). */
export interface TypedAccountFacts {
  readonly cloudOnly: Tristate;
  readonly globalAdmin: 'permanent' | 'eligible' | 'none' | 'unknown';
  readonly caExcluded: Tristate;
  readonly phoneMfa: Tristate;
  readonly perUserMfa: Tristate;
  readonly personalMethods: Tristate;
  readonly mechanism: string;
}

export interface FactsView {
  readonly accounts: readonly (TypedAccountFacts & {
    readonly upn: string;
    readonly objectId: string;
    /** When the facts were last recorded by hand; null if never. */
    readonly recordedAt: string | null;
  })[];
  readonly organisation: OrganisationFacts & { readonly recordedAt: string | null };
  readonly imports: readonly { readonly seq: number; readonly recordedAt: string; readonly file: string; readonly kind: string; readonly summary: string }[];
}
