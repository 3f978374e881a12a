import type { Channel, ChannelArgs, ChannelResults } from './channels';
import type { ProbeStepReport } from '../../core/netpath/evidence';

// Kept free of zod so that the sandboxed preload stays small: it needs only names, not schemas.

/** Every channel name of the map in channels.ts (a test keeps the two equal). */
export const CHANNEL_NAMES: readonly Channel[] = [
  'status:get',
  'inventory:list',
  'inventory:authenticators',
  'inventory:overview',
  'inventory:items',
  'account:add',
  'place:add',
  'authenticator:add',
  'custodian:add',
  'seal:register',
  'ledger:list',
  'ledger:verify',
  'ledger:search',
  'ledger:checkpoints',
  'ledger:checkpoint',
  'key:enroll',
  'presence:check',
  'presence:schedule',
  'card:readers',
  'drill:touch',
  'card:enroll',
  'custody:list',
  'custodian:found',
  'custodian:enroll',
  'custodian:deactivate',
  'custody:checkout',
  'custody:return',
  'custody:countersign',
  'posture:get',
  'validation:get',
  'validation:start',
  'validation:attest',
  'validation:waive',
  'validation:complete',
  'signins:import',
  'metadata:import',
  'metadata:state',
  'signins:reconcile',
  'signins:state',
  'facts:get',
  'facts:account',
  'facts:organisation',
  'facts:import-entra',
  'facts:kql',
  'validation:subscription-change',
  'place:access',
  'place:access-lists',
  'report:preview',
  'report:save',
  'report:print',
  'netpath:interfaces',
  'netpath:classify',
  'netpath:probe',
  'netpath:proofs',
  'findings:list',
  'findings:resolve',
  'auditor:sites',
  'auditor:site',
  'auditor:ledger',
];

/** Channels that write to the ledger; main announces `ledger:appended` after each success. */
export const WRITING_CHANNELS: ReadonlySet<Channel> = new Set(['account:add', 'place:add', 'authenticator:add', 'custodian:add', 'seal:register', 'key:enroll', 'presence:check', 'card:enroll', 'netpath:classify', 'netpath:probe', 'custodian:found', 'custodian:enroll', 'custodian:deactivate', 'custody:checkout', 'custody:return', 'custody:countersign', 'validation:start', 'validation:attest', 'validation:waive', 'validation:complete', 'signins:import', 'signins:reconcile', 'facts:account', 'facts:organisation', 'facts:import-entra', 'validation:subscription-change', 'place:access', 'findings:resolve', 'ledger:checkpoint']);

export const isChannel = (value: unknown): value is Channel => typeof value === 'string' && (CHANNEL_NAMES as readonly string[]).includes(value);

export interface ReplyError {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ReplyError };

/** Events main sends to the renderer. */
export interface KeywardEvents {
  'ledger:appended': { readonly headSeq: number; readonly headHash: string };
  /** A long job's progress: which key, which step (the touch prompt among them). */
  'key:progress': {
    readonly job: 'enrol' | 'check';
    /** A FIDO2 key unless it says smartcard. */
    readonly kind?: 'fido2' | 'smartcard';
    readonly index: number;
    readonly total: number;
    readonly label: string;
    readonly step: 'connecting' | 'reading' | 'touch' | 'verifying' | 'saved' | 'done';
    readonly result?: 'ok' | 'anomaly' | 'missing';
  };
  /** A drill key started or stopped waiting for a touch (answered on `drill:touch`). */
  'drill:touch': { readonly label: string; readonly waiting: boolean };
  /** How far the Ledger screen's verification has got, in entries. */
  'ledger:progress': { readonly done: number; readonly of: number };
  /** How far a report has got: the ledger verified (entries), then its table rows measured and written. */
  'report:progress': { readonly step: 'verifying' | 'measuring' | 'writing'; readonly done: number; readonly of: number };
  /** Whose touch a dual-control entry is waiting for, and who has approved. */
  'custody:approval': {
    readonly role: 'custodian' | 'witness' | 'countersigner';
    readonly name: string;
    readonly step: 'touch' | 'approved';
    /** With a touch: the entry being signed, its summary and the first hex digits of the digest the key signs. */
    readonly entry?: { readonly seq: number; readonly summary: string; readonly digest: string };
  };
  /** A network-path probe's progress: which path, target and family is at which step. */
  'netpath:progress': ProbeStepReport;
}
export const EVENTS: readonly (keyof KeywardEvents)[] = ['ledger:appended', 'ledger:progress', 'key:progress', 'drill:touch', 'custody:approval', 'report:progress', 'netpath:progress'];

/** The one object the preload exposes on `window.keyward`. */
export interface KeywardBridge {
  invoke<C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<Reply<ChannelResults[C]>>;
  on<E extends keyof KeywardEvents>(event: E, listener: (payload: KeywardEvents[E]) => void): () => void;
}

/** The Electron IPC channel names that carry the bridge. */
export const IPC_INVOKE = 'keyward:invoke';
export const IPC_EVENT = 'keyward:event';
