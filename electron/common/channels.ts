import { z } from 'zod';
import type { Authenticator, Custodian, EmergencyAccount, Inventory, Seal, StoragePlace } from '../../core/inventory/inventory';
import type { AuthenticatorPage, InventoryOverview, ItemChoice } from '../../core/inventory/authenticator-query';
import type { LedgerEntry } from '../../core/ledger/ledger';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import type { Checkpoint } from '../../core/ledger/checkpoint';
import type { KeywardStatus } from '../../core/inventory/status';
import type { PresenceFinding, PresenceResult } from '../../core/presence/presence';
import type { CardFinding, ReaderView } from '../../core/cards/smartcard';
import type { PathClass } from '../../core/netpath/netpath';
import type { NetworkProof, RecordedProof } from '../../core/netpath/evidence';
import type { CustodyReport, Emphasis, ReportSection, ReportTable } from '../../core/reports/report';
import type { CustodyView } from '../../core/custody/custody';
import type { PostureRule } from '../../core/guidance/posture';
import type { ValidationState } from '../../core/guidance/validation';
import type { Reconciliation } from '../../core/guidance/signins';
import type { ImportedMetadataView } from '../../core/metadata/metadata';
import type { FactsView } from '../../core/guidance/facts-view';
import type { AccessList, PlaceAccessView } from '../../core/guidance/place-access';
import type { AlertQuery } from '../../core/guidance/alert-queries';
import { RESOLUTION_CHOICES, type Finding } from '../../core/findings/finding';
import type { SiteJudgement, SiteOverview } from '../../core/audit/site-view';

// Shapes only: lengths and types. The use cases give the domain's own, field-specific errors.
const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => z.string().max(max).optional();
const reportArgs = z
  .object({ from: text(40), to: text(40), organisation: optionalText(120), site: optionalText(120), signatories: z.array(text(160)).max(8).optional() })
  .strict();

/**
 * The IPC channel map, `domain:verb`: the single source of truth for what the renderer may ask
 * and in what shape. Main validates every call against it; the preload and renderer share it.
 */
export const CHANNELS = {
  'status:get': z.object({}).strict(),
  'inventory:list': z.object({}).strict(),
  /** A page of the authenticators; the use case names a bad state, kind, order, offset or limit. */
  'inventory:authenticators': z
    .object({ text: optionalText(200), state: optionalText(20), kind: optionalText(20), sort: optionalText(20), offset: z.number().int().optional(), limit: z.number().int().optional() })
    .strict(),
  'inventory:overview': z.object({}).strict(),
  'inventory:items': z.object({}).strict(),
  'account:add': z.object({ upn: text(200), objectId: text(100), label: optionalText(200) }).strict(),
  'place:add': z.object({ name: text(200), site: optionalText(200), safe: optionalText(200), slot: optionalText(200) }).strict(),
  'authenticator:add': z
    .object({ kind: text(20), label: text(200), serial: optionalText(200), place: optionalText(200), account: optionalText(200) })
    .strict(),
  'custodian:add': z.object({ name: text(200) }).strict(),
  'seal:register': z.object({ serial: text(100) }).strict(),
  'ledger:list': z.object({ limit: z.number().int().min(1).max(1000).optional(), beforeSeq: z.number().int().min(1).optional() }).strict(),
  'ledger:verify': z.object({ expectHead: optionalText(200) }).strict(),
  'ledger:search': z
    .object({ family: optionalText(20), item: optionalText(200), from: optionalText(20), to: optionalText(20), text: optionalText(200), limit: z.number().int().optional(), beforeSeq: z.number().int().optional() })
    .strict(),
  'ledger:checkpoints': z.object({}).strict(),
  'ledger:checkpoint': z.object({ custodian: text(200), witness: text(200), simulated: z.boolean() }).strict(),
  'key:enroll': z
    .object({ label: text(200), serial: optionalText(200), place: optionalText(200), account: optionalText(200), simulated: z.boolean() })
    .strict(),
  'presence:check': z.object({ key: optionalText(200), simulated: z.boolean() }).strict(),
  'presence:schedule': z.object({}).strict(),
  'card:readers': z.object({ simulated: z.boolean() }).strict(),
  'drill:touch': z.object({ answer: text(20) }).strict(),
  'card:enroll': z.object({ label: text(200), place: optionalText(200), account: optionalText(200), reader: optionalText(200), simulated: z.boolean() }).strict(),
  'custody:list': z.object({ open: z.boolean().optional(), overdue: z.boolean().optional() }).strict(),
  'custodian:found': z.object({ first: text(200), second: text(200), simulated: z.boolean() }).strict(),
  'custodian:enroll': z.object({ name: text(200), approvers: z.array(text(200)).length(2), simulated: z.boolean() }).strict(),
  'custodian:deactivate': z.object({ name: text(200), reason: optionalText(200), approvers: z.array(text(200)).length(2), simulated: z.boolean() }).strict(),
  'custody:checkout': z
    .object({
      item: text(200),
      custodian: text(200),
      witness: optionalText(200),
      reason: text(40),
      ticket: optionalText(200),
      expectedReturn: text(64),
      brokenSeal: text(100),
      sealIntact: z.boolean(),
      sealMismatch: z.boolean().optional(),
      withoutWitness: z.boolean().optional(),
      simulated: z.boolean(),
    })
    .strict(),
  'custody:return': z.object({ item: text(200), custodian: text(200), witness: text(200), newSeal: text(100), simulated: z.boolean() }).strict(),
  'custody:countersign': z.object({ item: text(200), custodian: text(200), simulated: z.boolean() }).strict(),
  'report:preview': reportArgs,
  'report:save': reportArgs.extend({ paper: z.enum(['a4', 'letter']) }).strict(),
  'report:print': z.object({}).strict(),
  'posture:get': z.object({}).strict(),
  'validation:get': z.object({}).strict(),
  'validation:start': z.object({}).strict(),
  'validation:attest': z
    .object({
      step: text(40),
      custodian: text(200),
      note: optionalText(300),
      simulated: z.boolean(),
      // The cleanup-excluded step, attested account by account.
      account: optionalText(200),
      policies: z.array(text(300)).max(50).optional(),
      noCleanupInTenant: z.boolean().optional(),
    })
    .strict(),
  'validation:waive': z.object({ step: text(40), custodian: text(200), reason: text(300), simulated: z.boolean() }).strict(),
  'validation:complete': z.object({}).strict(),
  'signins:import': z.object({}).strict(),
  'metadata:import': z.object({ path: optionalText(1000), crls: z.array(text(1000)).max(8).optional() }).strict(),
  'metadata:state': z.object({}).strict(),
  'facts:get': z.object({}).strict(),
  'facts:account': z
    .object({ upn: text(200), cloudOnly: optionalText(10), globalAdmin: optionalText(12), caExcluded: optionalText(10), phoneMfa: optionalText(10), perUserMfa: optionalText(10), personalMethods: optionalText(10), mechanism: optionalText(200) })
    .strict(),
  'facts:organisation': z
    .object({ adminMechanism: optionalText(200), signInMonitoring: optionalText(10), caStance: optionalText(30), expiryWindowDays: optionalText(10), checkIntervalDays: optionalText(10), evidenceIntervalDays: optionalText(10) })
    .strict(),
  /** A path typed in; without one, main asks with its file dialog. */
  'facts:import-entra': z.object({ path: optionalText(1000) }).strict(),
  'facts:kql': z.object({}).strict(),
  'validation:subscription-change': z.object({ note: text(300) }).strict(),
  /** The whole list of people who can open a place; it replaces the last one. */
  'place:access': z.object({ place: text(200), people: z.array(text(200)).max(200) }).strict(),
  'place:access-lists': z.object({}).strict(),
  'signins:reconcile': z.object({}).strict(),
  'signins:state': z.object({}).strict(),
  'netpath:interfaces': z.object({}).strict(),
  'netpath:classify': z.object({ interface: text(64), class: text(20), note: optionalText(200) }).strict(),
  'netpath:probe': z
    .object({
      targets: z.array(text(300)).max(8).optional(),
      timeoutSeconds: z.number().positive().max(120).optional(),
      /** A custodian's resolvers, IFACE=ADDRESS; the rest use the system's for their link. */
      dns: z.array(text(120)).max(16).optional(),
      site: optionalText(200),
    })
    .strict(),
  'netpath:proofs': z.object({}).strict(),
  'findings:list': z.object({ all: z.boolean().optional() }).strict(),
  // No drill flag: main takes drill or real custodian keys from the finding itself.
  'findings:resolve': z
    .object({ id: text(200), custodian: text(200), witness: text(200), reason: text(500), choice: z.enum(RESOLUTION_CHOICES).optional() })
    .strict(),
  // Auditor mode (an auditor database opened with --auditor FILE): every site's bundles, read only.
  'auditor:sites': z.object({}).strict(),
  'auditor:site': z.object({ siteId: text(64) }).strict(),
  'auditor:ledger': z
    .object({ siteId: text(64), family: optionalText(20), text: optionalText(200), limit: z.number().int().optional(), beforeSeq: z.number().int().optional() })
    .strict(),
} as const;

export type Channel = keyof typeof CHANNELS;
export type { Reply, ReplyError } from './bridge';
export type ChannelArgs<C extends Channel> = z.input<(typeof CHANNELS)[C]>;

export interface ChannelResults {
  'status:get': KeywardStatus;
  'inventory:list': Inventory;
  /** One page of the authenticators that match, how many match, and how many there are. */
  'inventory:authenticators': AuthenticatorPage;
  /** The accounts, custodians, places and seals, and the authenticators' counts by state and kind. */
  'inventory:overview': InventoryOverview;
  /** Every item as the lists to choose one from show it: a few fields each, not the inventory's rows. */
  'inventory:items': readonly ItemChoice[];
  'account:add': EmergencyAccount;
  'place:add': StoragePlace;
  'authenticator:add': Authenticator;
  'custodian:add': Custodian;
  'seal:register': Seal;
  'ledger:list': LedgerEntry[];
  'ledger:verify': LedgerVerification;
  /** A page of matching entries, newest first, each with its summary; how many match in all. */
  'ledger:search': { readonly entries: readonly (LedgerEntry & { readonly summary: string })[]; readonly total: number };
  /** Whether custodians are asked to sign a checkpoint now, and every one signed so far. */
  'ledger:checkpoints': { readonly due: boolean; readonly checkpoints: readonly Checkpoint[] };
  'ledger:checkpoint': Checkpoint;
  'key:enroll': Authenticator;
  'presence:check': PresenceCheckReport;
  /** Every item a check covers, soonest due first: its last check and when the next falls due. */
  'presence:schedule': {
    readonly intervalDays: number;
    readonly items: readonly { readonly id: number; readonly label: string; readonly kind: 'fido2' | 'smartcard'; readonly drill: boolean; readonly lastCheckedAt: string | null; readonly lastResult: 'ok' | 'anomaly' | 'missing' | null; readonly nextDueAt: string; readonly overdue: boolean }[];
  };
  'card:readers': readonly ReaderView[];
  /** The drill key that was waiting for the touch. */
  'drill:touch': { readonly label: string };
  'card:enroll': { readonly authenticator: Authenticator; readonly reader: string; readonly warnings: readonly string[] };
  'custody:list': CustodyItemView[];
  'custodian:found': readonly Custodian[];
  'custodian:enroll': Custodian;
  'custodian:deactivate': Custodian;
  'custody:checkout': { readonly ledgerSeq: number; readonly hash: string; readonly expectedReturnAt: string };
  'custody:return': { readonly ledgerSeq: number; readonly hash: string; readonly presence: string | null };
  'custody:countersign': { readonly ledgerSeq: number };
  /** The report with each table cut to its first rows, `total` saying how many it holds: the PDF holds every row. */
  'report:preview': ReportPreview;
  'report:save': { readonly saved: boolean; readonly path?: string; readonly pages?: number; readonly id?: string };
  'report:print': { readonly printed: boolean };
  'posture:get': readonly PostureRule[];
  'validation:get': ValidationState;
  'validation:start': ValidationState;
  'validation:attest': ValidationState;
  'validation:waive': ValidationState;
  'validation:complete': ValidationState;
  'signins:import': { readonly imported: boolean; readonly file?: string; readonly records?: number; readonly added?: number; readonly alreadyImported?: boolean };
  /** A FIDO metadata BLOB from a file the person chose (removable media), with the CRLs they named. */
  'metadata:import': { readonly imported: boolean; readonly file?: string; readonly alreadyImported?: boolean; readonly metadata?: ImportedMetadataView; readonly notCheckedAgainstACrl?: readonly string[] };
  'metadata:state': ImportedMetadataView | null;
  'signins:reconcile': Reconciliation & { readonly ledgerSeq: number };
  'facts:get': FactsView;
  'facts:account': { readonly upn: string };
  'facts:organisation': { readonly evidenceIntervalDays: number };
  'facts:import-entra': { readonly imported: boolean; readonly file?: string; readonly kind?: string; readonly summary?: string; readonly alreadyImported?: boolean };
  'facts:kql': readonly AlertQuery[];
  'validation:subscription-change': ValidationState;
  'place:access': AccessList;
  'place:access-lists': readonly PlaceAccessView[];
  'signins:state': SignInStateView;
  'netpath:interfaces': NetworkInterfaceView[];
  'netpath:classify': { readonly interface: string; readonly class: PathClass };
  'netpath:probe': NetworkProofView;
  /** The sites the storage places name, and the last recorded proof of each. */
  'netpath:proofs': { readonly sites: readonly string[]; readonly proofs: readonly RecordedProof[] };
  /** Open findings most severe first; with `all`, resolved ones too. */
  'findings:list': Finding[];
  'findings:resolve': { readonly ledgerSeq: number };
  /** Every site the auditor database holds, by name. */
  'auditor:sites': { readonly path: string; readonly sites: readonly AuditorSiteSummary[] };
  /** One site: its summary, and its inventory, checkouts and findings as of its latest bundle (null before one with entries). */
  'auditor:site': {
    readonly site: AuditorSiteSummary;
    readonly judgement: SiteJudgement | null;
  };
  /** A page of the site's ledger as its bundles hold it, newest first, each with its summary. */
  'auditor:ledger': ChannelResults['ledger:search'];
}

/** A site as the auditor holds it (core/audit/site-view): its head, bundles, the auditor's findings and its state as of its latest bundle. */
export type AuditorSiteSummary = SiteOverview;

/** The custody report as the Reports screen previews it (app/reports/report-preview). */
export interface ReportPreview extends Omit<CustodyReport, 'sections'> {
  readonly sections: readonly (Omit<ReportSection, 'table'> & {
    /** How each line stands out, as on paper: an alert (red) or a caution (amber). */
    readonly lineEmphasis?: readonly (Emphasis | null)[];
    /** The first rows, how many the table holds, and each row's cells' emphasis (null when nothing in it stands out). */
    readonly table?: ReportTable & { readonly total: number; readonly emphasis: readonly (readonly (Emphasis | null)[] | null)[] };
  })[];
}

export type CustodyItemView = CustodyView;

/** The Sign-ins screen on arrival: the last import, the last recorded reconciliation, and the incidents as of now. */
export interface SignInStateView {
  readonly lastImport: { readonly seq: number; readonly recordedAt: string; readonly file: string; readonly records: number; readonly added: number } | null;
  readonly lastReconciliation: { readonly seq: number; readonly recordedAt: string; readonly incidents: number } | null;
  readonly now: Reconciliation;
}

export interface NetworkInterfaceView {
  readonly name: string;
  readonly class: PathClass;
  readonly reason: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly up: boolean | null;
  readonly overridden: boolean;
}

export type NetworkProofView = NetworkProof;

export interface PresenceCheckReport {
  readonly ok: boolean;
  /** What the FIDO metadata says of the keys checked (revoked or compromised model, firmware to update, stale metadata), gravest first. */
  readonly metadata: readonly { readonly severity: 'critical' | 'warning' | 'notice'; readonly text: string }[];
  readonly results: readonly {
    readonly authenticatorId: number;
    readonly label: string;
    readonly kind: 'fido2' | 'smartcard';
    readonly result: PresenceResult;
    readonly findings: readonly ((PresenceFinding | CardFinding) & { readonly text: string })[];
    readonly drill: boolean;
    readonly ledgerSeq: number;
  }[];
}

