// npm run bench — runs every benchmark in turn (each prints its work, baseline, ratio and goal)
// and then one table of their results, with the date and the machine, for the README.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** Every `bench:*` script in package.json, so that a new bench joins the table by being added there. */
const BENCHES = Object.keys(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts).filter((name) => name.startsWith('bench:'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs one bench script, echoing its output; resolves with its lines and exit code. */
const run = (script) =>
  new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ lines: text.split('\n'), code }));
  });

const rows = [];
for (const script of BENCHES) {
  console.log(`\n=== npm run ${script}`);
  const { lines, code } = await run(script);
  const results = lines.filter((line) => line.startsWith('BENCH-RESULT ')).map((line) => JSON.parse(line.slice('BENCH-RESULT '.length)));
  for (const r of results) rows.push([script, r.name, `${r.median.toFixed(2)}x`, `${r.min.toFixed(2)}–${r.max.toFixed(2)}x`, r.goal, r.met ? 'met' : 'NOT MET', r.notes.join('; ')]);
  // A bench that prints no result line of its own: its ratio lines, as it wrote them.
  if (results.length === 0) for (const line of lines.filter((l) => /ratio|goal|target/i.test(l))) rows.push([script, line.trim(), '', '', '', '', '']);
  if (code !== 0) rows.push([script, `exited with code ${code}`, '', '', '', 'FAILED', '']);
}

const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
console.log(`\nBenchmarks of ${new Date().toISOString().slice(0, 10)} on ${machine}\n`);
console.log('| bench | what | ratio (median) | spread | goal | verdict | notes |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.map((cell) => String(cell).replaceAll('|', '\\|')).join(' | ')} |`);
