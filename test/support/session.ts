import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDatabase } from '../../app/keyward';
import type { Clock, Session } from '../../app/ports';
import type { Actor } from '../../core/ledger/ledger';

/** A clock that starts at a fixed instant, ticks one second per reading, and sits at UTC+01:00. */
export function steppingClock(start = '2026-11-25T09:00:00.000Z', offsetMinutes = 60): Clock {
  let t = Date.parse(start);
  return {
    now: () => {
      const at = new Date(t);
      t += 1000;
      return at;
    },
    utcOffsetMinutes: () => offsetMinutes,
  };
}

export const OPERATOR: Actor = { role: 'operator', name: 'test-operator' };

export function temporaryDirectory(prefix = 'keyward-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A real SQLite file in a fresh folder, initialised, with a stepping clock. */
export function openTestSession(): Session & { path: string; dir: string; close: () => void } {
  const dir = temporaryDirectory();
  const path = join(dir.path, 'keyward.db');
  const clock = steppingClock();
  const { db } = initDatabase(path, clock, OPERATOR);
  return {
    db,
    clock,
    actor: OPERATOR,
    path,
    dir: dir.path,
    close: () => {
      if (db.open) db.close();
      dir.remove();
    },
  };
}

export const ACCOUNT_1 = { upn: 'bg1@contoso.onmicrosoft.com', objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', label: 'Break glass 1' };
export const ACCOUNT_2 = { upn: 'bg2@contoso.onmicrosoft.com', objectId: '6fa459ea-ee8a-3ca4-894e-db77e160355e', label: 'Break glass 2' };
