// `npm run lint:electron`: Doyensec's Electronegativity over the app as it ships — main, preload, the
// renderer's sources and the built page with its CSP (run `npm run build:renderer` first). A finding
// above informational fails unless build/security/electronegativity-allow.json justifies it; an
// entry there that matches no finding fails too, so the list stays true.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const ALLOW_LIST = 'build/security/electronegativity-allow.json';
const TIME_LIMIT_MS = 120_000;

const page = join(root, 'dist/renderer/index.html');
if (!existsSync(page)) {
  console.error('electronegativity: no built page at dist/renderer/index.html; run npm run build:renderer first');
  process.exit(1);
}

// What ships, in one folder, so that tests, benches and scratch files are never scanned.
const stage = mkdtempSync(join(tmpdir(), 'keyward-electronegativity-'));
const isTest = (path) => /\.test\.tsx?$/.test(path);
cpSync(join(root, 'package.json'), join(stage, 'package.json'));
cpSync(join(root, 'electron'), join(stage, 'electron'), { recursive: true, filter: (path) => !isTest(path) });
cpSync(join(root, 'renderer/src'), join(stage, 'renderer/src'), { recursive: true, filter: (path) => !isTest(path) });
cpSync(page, join(stage, 'dist/renderer/index.html'));

const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const { allow } = JSON.parse(readFileSync(join(root, ALLOW_LIST), 'utf8'));
for (const entry of allow) {
  if (!entry.check || !entry.file || !(entry.reason ?? '').trim()) throw new Error(`${ALLOW_LIST}: every entry needs check, file and reason: ${JSON.stringify(entry)}`);
}

const run = require('@doyensec/electronegativity');
const timer = setTimeout(() => {
  console.error(`electronegativity: no result within ${TIME_LIMIT_MS / 1000} s`);
  rmSync(stage, { recursive: true, force: true });
  process.exit(1);
}, TIME_LIMIT_MS);

let result;
try {
  result = await run({
    input: stage,
    isRelative: true,
    // The installed Electron, given: the scan would otherwise look for it in a lock file it does not read.
    electronVersionOverride: electronVersion,
    // This check downloads Electron's release list and reports fixes in releases newer than ours: it
    // needs the internet and its answer changes from day to day, so it cannot gate a test run.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    customScan: [],
    parserPlugins: [],
  });
} finally {
  clearTimeout(timer);
  rmSync(stage, { recursive: true, force: true });
}

const problems = [];
for (const error of result.errors.filter((e) => !e.tolerable)) problems.push(`could not parse ${error.file}: ${error.message}`);
const serious = result.issues.filter((issue) => issue.severity.name !== 'INFORMATIONAL');
const where = (issue) => `${issue.file}:${issue.location.line}`;
const allowed = new Set();
for (const issue of serious) {
  const entry = allow.find((a) => a.check === issue.id && a.file === issue.file);
  if (entry) {
    allowed.add(entry);
    console.log(`electronegativity: ${issue.id} (${issue.severity.name}) at ${where(issue)} is allowed: ${entry.reason}`);
  } else {
    problems.push(`${issue.id} (${issue.severity.name}) at ${where(issue)}: ${issue.description} ${issue.shortenedURL ?? ''}`.trim());
  }
}
for (const entry of allow.filter((a) => !allowed.has(a))) problems.push(`${ALLOW_LIST} allows ${entry.check} in ${entry.file}, but there is no such finding any more: remove the entry`);

const informational = result.issues.length - serious.length;
if (problems.length > 0) {
  for (const problem of problems) console.error(`electronegativity: ${problem}`);
  process.exit(1);
}
console.log(`electronegativity: Electron ${electronVersion}, ${result.globalChecks + result.atomicChecks} checks, ${serious.length} finding(s) above informational, each justified in ${ALLOW_LIST}; ${informational} informational`);
