import { z } from 'zod';
import type { Authenticator, Custodian, EmergencyAccount, Inventory, Seal, StoragePlace } from '../../core/inventory';
import type { LedgerEntry } from '../../core/ledger';
import type { LedgerVerification } from '../../core/ledger-verification';
import type { KeywardStatus } from '../../core/status';
import type { PresenceFinding, PresenceResult } from '../../core/presence';
import type { PathClass, PathVerdict } from '../../core/netpath';

// Shapes only: lengths and types. The use cases give the domain's own, field-specific errors.
const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => z.string().max(max).optional();

/**
 * The IPC channel map, `domain:verb`: the single source of truth for what the renderer may ask
 * and in what shape. Main validates every call against it; the preload and renderer share it.
 */
export const CHANNELS = {
  'status:get': z.object({}).strict(),
  'inventory:list': z.object({}).strict(),
  'account:add': z.object({ upn: text(200), objectId: text(100), label: optionalText(200) }).strict(),
  'place:add': z.object({ name: text(200), site: optionalText(200), safe: optionalText(200), slot: optionalText(200) }).strict(),
  'authenticator:add': z
    .object({ kind: text(20), label: text(200), serial: optionalText(200), place: optionalText(200), account: optionalText(200) })
    .strict(),
  'custodian:add': z.object({ name: text(200) }).strict(),
  'seal:register': z.object({ serial: text(100) }).strict(),
  'ledger:list': z.object({ limit: z.number().int().min(1).max(1000).optional(), beforeSeq: z.number().int().min(1).optional() }).strict(),
  'ledger:verify': z.object({ expectHead: optionalText(200) }).strict(),
  'key:enroll': z
    .object({ label: text(200), serial: optionalText(200), place: optionalText(200), account: optionalText(200), simulated: z.boolean() })
    .strict(),
  'presence:check': z.object({ key: optionalText(200), simulated: z.boolean() }).strict(),
  'netpath:interfaces': z.object({}).strict(),
  'netpath:classify': z.object({ interface: text(64), class: text(20), note: optionalText(200) }).strict(),
  'netpath:probe': z.object({ targets: z.array(text(300)).max(5).optional(), timeoutSeconds: z.number().positive().max(120).optional() }).strict(),
} as const;

export type Channel = keyof typeof CHANNELS;
export type { Reply, ReplyError } from './bridge';
export type ChannelArgs<C extends Channel> = z.input<(typeof CHANNELS)[C]>;

export interface ChannelResults {
  'status:get': KeywardStatus;
  'inventory:list': Inventory;
  'account:add': EmergencyAccount;
  'place:add': StoragePlace;
  'authenticator:add': Authenticator;
  'custodian:add': Custodian;
  'seal:register': Seal;
  'ledger:list': LedgerEntry[];
  'ledger:verify': LedgerVerification;
  'key:enroll': Authenticator;
  'presence:check': PresenceCheckReport;
  'netpath:interfaces': NetworkInterfaceView[];
  'netpath:classify': { readonly interface: string; readonly class: PathClass };
  'netpath:probe': NetworkProofView;
}

export interface NetworkInterfaceView {
  readonly name: string;
  readonly class: PathClass;
  readonly reason: string;
  readonly ipv4: readonly string[];
  readonly up: boolean | null;
  readonly overridden: boolean;
}

export interface NetworkProofView {
  readonly verdict: PathVerdict;
  readonly summary: string;
  readonly targets: readonly string[];
  readonly ms: number;
  readonly ledgerSeq: number;
  readonly paths: readonly {
    readonly interface: string;
    readonly class: PathClass;
    readonly status: 'up' | 'failed' | 'unproven';
    readonly reason: string;
    readonly probe: {
      readonly gateway: string | null;
      readonly source: string;
      readonly ms: number;
      readonly targets: readonly {
        readonly target: string;
        readonly ok: boolean;
        readonly dns?: { readonly server: string; readonly ms: number };
        readonly tcp?: { readonly ms: number; readonly remote: string };
        readonly tls?: { readonly ms: number; readonly subject: string; readonly issuer: string; readonly fingerprint256: string };
      }[];
    } | null;
  }[];
}

export interface PresenceCheckReport {
  readonly ok: boolean;
  readonly results: readonly {
    readonly authenticatorId: number;
    readonly label: string;
    readonly result: PresenceResult;
    readonly findings: readonly (PresenceFinding & { readonly text: string })[];
    readonly drill: boolean;
    readonly ledgerSeq: number;
  }[];
}

