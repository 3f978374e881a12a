import { KeywardError } from '../../core/errors';
import { parseText } from '../../core/inventory/inventory';
import { PATH_CLASSES, type PathClass } from '../../core/netpath/netpath';
import { appendEntry } from '../../db/ledger';
import { listOverrides, saveOverride } from '../../db/netpath-overrides';
import { discoverInterfaces, type DiscoveredInterface } from '../../native/netpath/interfaces';
import { recorded, type Session } from '../ports';

export type { DiscoveredInterface };

export interface ClassifiedInterface extends DiscoveredInterface {
  /** True when a custodian's override decided the class. */
  readonly overridden: boolean;
}

export async function listNetworkInterfaces(session: Pick<Session, 'db'>, discover = discoverInterfaces): Promise<ClassifiedInterface[]> {
  const overrides = new Map(listOverrides(session.db).map((o) => [o.interface, o]));
  return (await discover()).map((iface) => {
    const override = overrides.get(iface.name);
    return override
      ? { ...iface, class: override.class, reason: `set by a custodian${override.note ? `: ${override.note}` : ''} (detected: ${iface.class} — ${iface.reason})`, overridden: true }
      : { ...iface, overridden: false };
  });
}

export function overrideClassification(session: Session, input: Record<string, unknown>): { interface: string; class: PathClass } {
  const name = parseText(input.interface, 'interface', { required: true, max: 64 });
  if (!/^[\w.:@() -]+$/.test(name)) throw new KeywardError('invalid_input', `"${name}" is not an interface name`, 'interface');
  const cls = input.class;
  if (typeof cls !== 'string' || !(PATH_CLASSES as readonly string[]).includes(cls)) throw new KeywardError('invalid_input', `class must be one of ${PATH_CLASSES.join(', ')}`, 'class');
  const note = parseText(input.note, 'note', { required: false, max: 200 });
  return recorded(session, (at) => {
    saveOverride(session.db, { interface: name, class: cls as PathClass, note, setAt: at.recordedAt });
    appendEntry(session.db, { kind: 'netpath.classified', actors: [session.actor], payload: { interface: name, class: cls, note } }, at);
    return { interface: name, class: cls as PathClass };
  });
}
