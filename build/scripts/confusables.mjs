// Generates core/text/confusables.json from Unicode's confusables.txt (UTS #39, Unicode Security
// Mechanisms): only the source → prototype mapping, keyed by code point in hex, as the file says it.
//   node build/scripts/confusables.mjs path/to/confusables.txt
// Run it again with a newer confusables.txt when Node's ICU moves to a newer Unicode version.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [input] = process.argv.slice(2);
if (!input) {
  console.error('usage: node build/scripts/confusables.mjs path/to/confusables.txt');
  process.exit(2);
}
const bytes = readFileSync(input);
const text = bytes.toString('utf8');
const header = (name) => new RegExp(`^# ${name}: (.+)$`, 'm').exec(text)?.[1]?.trim();
const version = header('Version');
const date = header('Date');
const total = Number(/^# total: (\d+)$/m.exec(text)?.[1]);
if (!version || !date || !Number.isInteger(total)) throw new Error(`${input} does not look like confusables.txt (no Version, Date or total line)`);

const HEX = /^[0-9A-F]{4,6}( [0-9A-F]{4,6})*$/;
const prototypes = {};
for (const line of text.split('\n')) {
  const data = line.replace(/#.*/, '').trim();
  if (data === '') continue;
  const [source, target, type] = data.split(';').map((field) => field.trim());
  if (!HEX.test(source ?? '') || source.includes(' ') || !HEX.test(target ?? '') || type !== 'MA') throw new Error(`unexpected line: ${line}`);
  if (source in prototypes) throw new Error(`${source} is mapped twice`);
  prototypes[source] = target;
}
const count = Object.keys(prototypes).length;
if (count !== total) throw new Error(`read ${count} mappings; the file says ${total}`);

const out = fileURLToPath(new URL('../../core/text/confusables.json', import.meta.url));
const copyright = /^# (© .+)$/m.exec(text)?.[1]?.trim();
const terms = /^# (For terms of use.+)$/m.exec(text)?.[1]?.trim();
if (!copyright || !terms) throw new Error(`${input} has no copyright or terms-of-use line`);
const json = {
  source: 'confusables.txt, Unicode Security Mechanisms for UTS #39',
  // Unicode's data files may be copied with their copyright and permission notice (Unicode License v3).
  copyright: `${copyright} Distributed under the Unicode License v3. ${terms}`,
  unicodeVersion: version,
  date,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  prototypes,
};
// One mapping a line, so an update reads as a diff of the mappings that changed.
const body = Object.entries(prototypes)
  .sort(([a], [b]) => parseInt(a, 16) - parseInt(b, 16))
  .map(([from, to]) => `  ${JSON.stringify(from)}: ${JSON.stringify(to)}`)
  .join(',\n');
const head = JSON.stringify({ ...json, prototypes: undefined }, null, 2).replace(/\n}$/, '');
writeFileSync(out, `${head},\n  "prototypes": {\n${body}\n}}\n`);
console.log(`wrote ${out}: ${count} mappings from Unicode ${version} (${date})`);
