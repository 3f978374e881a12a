// Imports one sign-in export and reconciles it, in a process of its own, and prints how long that
// took and the process's peak RSS as the operating system counts it (bench:signins runs it).
import { performance } from 'node:perf_hooks';
import { importSignIns, reconcileSignIns } from '../app/guidance/signins';
import { openDatabase } from '../db/connection';

const [dbPath, file] = process.argv.slice(2) as [string, string];
const clock = { now: () => new Date('2026-12-01T00:00:00Z'), utcOffsetMinutes: () => 60 };
const db = openDatabase(dbPath);
const session = { db, clock, actor: { role: 'operator' as const, name: 'bench' } };
const start = performance.now();
const imported = importSignIns(session, file);
const reconciled = reconcileSignIns(session);
const ms = performance.now() - start;
db.close();
console.log(JSON.stringify({ ms, records: imported.records, added: imported.added, incidents: reconciled.incidents.length, maxRss: process.resourceUsage().maxRSS * 1024 }));
