import { DRILL_KEY_AAGUID } from '../../core/presence/aaguid-models';
import { KeywardError } from '../../core/errors';
import type { DrillTouchPad } from './drill-touch';
import type { KeywardDatabase } from '../../db/connection';
import { loadDrillKey } from '../../db/drill-keys';
import { loadCustodianDrillKey } from '../../db/custody';
import { connectSoftwareKey } from '../../native/authenticator/connect';
import { newAuthenticatorState, type PresenceAnswer, type SoftwareAuthenticatorState } from '../../native/authenticator/ctap2-engine';
import { SoftwareAuthenticator } from '../../native/authenticator/software-authenticator';
import { CtapHidConnection } from '../../native/ctaphid/connection';
import { Ctap2 } from '../../native/ctap2/ctap2';
import { NodeHidTransport, enumerateFidoDevices } from '../../native/transport/node-hid';

/** A key opened for one use case, closed when it is done. */
export interface OpenedKey {
  readonly ctap2: Ctap2;
  readonly description: string;
  close(): Promise<void>;
  /** A drill key's state after use, for the drill store. Real keys have none. */
  readonly drillState?: () => SoftwareAuthenticatorState;
}

export interface KeyTarget {
  /** The enrolled key's owner (an inventory item, or a custodian for custodians' keys); absent for a new key. */
  readonly authenticatorId?: number;
  readonly label: string;
}

/** Where keys come from: the USB bus, or the drill store of software keys. */
export interface KeySource {
  readonly simulated: boolean;
  open(target: KeyTarget): Promise<OpenedKey>;
}

/**
 * Real keys over USB HID. The custodian plugs in one key at a time when asked, so exactly one
 * FIDO device must be present; anything else is a clear error, not a guess.
 */
export function hidKeySource(): KeySource {
  return {
    simulated: false,
    async open(target) {
      const devices = await enumerateFidoDevices();
      if (devices.length === 0) throw new KeywardError('not_found', `no FIDO key is plugged in: plug in the key labelled "${target.label}"`, 'key');
      if (devices.length > 1) throw new KeywardError('invalid_input', `${devices.length} FIDO keys are plugged in: leave only the key labelled "${target.label}"`, 'key');
      const transport = new NodeHidTransport(devices[0]!);
      const connection = await CtapHidConnection.open(transport);
      return { ctap2: new Ctap2(connection), description: transport.description, close: () => connection.close() };
    },
  };
}

/**
 * Software keys for drills, kept in the database so later commands find the same key. A new
 * target gets a new key with the drill AAGUID.
 */
export function drillKeySource(
  db: KeywardDatabase,
  options: {
    presence?: () => Promise<PresenceAnswer>;
    /** Where a person answers the key's request for a touch; without one (and without `presence`) it is touched at once. */
    touchPad?: DrillTouchPad;
    prepare?: (key: SoftwareAuthenticator) => void;
    store?: 'authenticators' | 'custodians';
  } = {},
): KeySource {
  const load = options.store === 'custodians' ? loadCustodianDrillKey : loadDrillKey;
  return {
    simulated: true,
    async open(target) {
      let state: SoftwareAuthenticatorState;
      if (target.authenticatorId === undefined) state = newAuthenticatorState({ aaguid: DRILL_KEY_AAGUID.replace(/-/g, '') });
      else {
        const stored = load(db, target.authenticatorId);
        if (!stored) throw new KeywardError('not_found', `there is no drill key for "${target.label}" in the drill store`, 'key');
        state = stored as SoftwareAuthenticatorState;
      }
      const key = new SoftwareAuthenticator({ state, presence: options.presence ?? options.touchPad?.presenceFor(target.label) });
      options.prepare?.(key);
      const { ctap2, connection } = await connectSoftwareKey(key, `drill key "${target.label}"`);
      return {
        ctap2,
        description: `drill key "${target.label}"`,
        drillState: () => key.state,
        close: async () => {
          options.touchPad?.release(target.label);
          await connection.close();
          key.unplug();
        },
      };
    },
  };
}

/** The key sources a desktop window uses: real keys, and drill keys that wait at `touchPad` for a person's touch. */
export function desktopKeySources(db: KeywardDatabase, touchPad?: DrillTouchPad): { real: () => KeySource; drill: () => KeySource; drillCustodians: () => KeySource } {
  return { real: hidKeySource, drill: () => drillKeySource(db, { touchPad }), drillCustodians: () => drillKeySource(db, { store: 'custodians', touchPad }) };
}
