import { parseArgs } from 'node:util';
import { resolveDatabasePath } from '../app/paths';
import { systemClock, type Clock, type Session } from '../app/ports';
import type { KeywardDatabase } from '../app/keyward';
import { isKeywardError } from '../core/errors';

import type { CliIo, Command, OptionSpec } from './command';
import { COMMANDS } from './command-table';

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  db: { type: 'string', value: 'PATH', help: 'database file (default: KEYWARD_DB, else the platform data folder)' },
  json: { type: 'boolean', help: 'print machine-readable JSON' },
  help: { type: 'boolean', help: 'show help' },
};

export const EXIT = { ok: 0, badInput: 1, finding: 2 } as const;

class UsageError extends Error {}

export async function runCli(argv: readonly string[], io: CliIo, clock: Clock = systemClock): Promise<number> {
  const loose = parseArgs({ args: [...argv], options: toParseArgs(GLOBAL_OPTIONS), strict: false, allowPositionals: true });
  const json = loose.values.json === true;
  const command = findCommand(loose.positionals);
  let db: KeywardDatabase | undefined;
  try {
    if (!command) {
      if (loose.values.help === true || loose.positionals.length === 0) {
        io.stdout(`${generalHelp(loose.positionals)}\n`);
        return loose.positionals.length === 0 && loose.values.help !== true ? EXIT.badInput : EXIT.ok;
      }
      throw new UsageError(`unknown command "${loose.positionals.join(' ')}"; run "keyward --help" for the list`);
    }
    const parsed = parseStrict(argv, command);
    if (parsed.values.help === true) {
      io.stdout(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    const databasePath = resolveDatabasePath(parsed.values.db as string | undefined, io.env, io.platform, io.home);
    const actor = { role: 'operator' as const, name: io.env.KEYWARD_OPERATOR || io.username };
    // Loaded here rather than at the top, so --help and usage errors never load SQLite.
    const [run, { initDatabase, openExistingDatabase, writerWaiting }] = await Promise.all([command.load(), import('../app/keyward')]);
    const openForCommand = (path: string, readonly: boolean, out: CliIo) => {
      const opened = openExistingDatabase(path, { readonly });
      // Writes wait up to five seconds for another Keyward process (a long import, say); say so rather than hang in silence.
      if (!readonly && writerWaiting(opened)) out.stderr('keyward: another Keyward process is writing to this database; waiting for it (up to 5 s)…\n');
      return opened;
    };
    let session: Session | undefined;
    const result = await run({
      options: parsed.values,
      databasePath,
      io,
      session: () => (session ??= { db: (db = openForCommand(databasePath, command.readonly === true, io)), clock, actor }),
      initSession: () => {
        const init = initDatabase(databasePath, clock, actor);
        db = init.db;
        session = { db: init.db, clock, actor };
        return { session, created: init.created };
      },
    });
    const exitCode = result.exitCode ?? EXIT.ok;
    if (session?.db.open && command.readonly !== true) await promptCheckpoint(session, io);
    if (json) io.stdout(`${JSON.stringify(result.value, null, 2)}\n`);
    // A result goes to stdout whatever the exit code, so `keyward status > status.txt` keeps it; stderr is for errors and prompts.
    else io.stdout(`${result.human}\n`);
    return exitCode;
  } catch (error) {
    return reportError(error, io, json);
  } finally {
    db?.close();
  }
}

/** After a custody transaction, a presence check or a validation, custodians are asked to pin the head. */
async function promptCheckpoint(session: Session, io: CliIo): Promise<void> {
  const { checkpointDue } = await import('../app/ledger/checkpoints');
  if (checkpointDue(session.db)) io.stderr('keyward: a checkpoint is due: two custodians sign the new head with "keyward checkpoint --custodian NAME --witness NAME"\n');
}

function reportError(error: unknown, io: CliIo, json: boolean): number {
  let code = 'internal_error';
  let message = error instanceof Error ? error.message : String(error);
  let field: string | undefined;
  if (error instanceof UsageError) code = 'usage';
  else if (isKeywardError(error)) ({ code, field } = error);
  else if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) {
    code = 'busy';
    message = 'the database stayed busy for 5 s: another Keyward process (an import, a check) is writing to it; nothing was written here — try again when it has finished';
  }
  else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    code = 'usage';
    message = message.replace(/\. To specify a positional argument.*$/s, '');
  }
  if (json) io.stdout(`${JSON.stringify({ ok: false, error: { code, message, ...(field ? { field } : {}) } }, null, 2)}\n`);
  io.stderr(`keyward: ${field ? `${field}: ` : ''}${message}\n`);
  return code === 'database_damaged' ? EXIT.finding : EXIT.badInput;
}

function findCommand(positionals: readonly string[]): Command | undefined {
  return [...COMMANDS]
    .sort((a, b) => b.path.length - a.path.length)
    .find((c) => c.path.every((word, i) => positionals[i] === word));
}

function toParseArgs(specs: Record<string, OptionSpec>) {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }]));
}

function parseStrict(argv: readonly string[], command: Command) {
  const parsed = parseArgs({ args: [...argv], options: toParseArgs({ ...GLOBAL_OPTIONS, ...command.options }), strict: true, allowPositionals: true });
  const extra = parsed.positionals.slice(command.path.length);
  if (command.positional && extra.length > 0) (parsed.values as Record<string, unknown>)[command.positional.name] = extra.shift();
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" for "keyward ${command.path.join(' ')}"`);
  if (command.positional && parsed.values.help !== true && parsed.values[command.positional.name] === undefined) {
    throw new UsageError(`"keyward ${command.path.join(' ')}" needs ${command.positional.name.toUpperCase()}: ${command.positional.help}`);
  }
  if (parsed.values.help === true) return parsed;
  for (const [name, spec] of Object.entries(command.options)) {
    const value = parsed.values[name];
    if (spec.required && (value === undefined || value === '')) throw new UsageError(`--${name} is required for "keyward ${command.path.join(' ')}"`);
  }
  return parsed;
}

function optionLines(specs: Record<string, OptionSpec>): string[] {
  return Object.entries(specs).map(([name, spec]) => {
    const left = `--${name}${spec.value ? ` ${spec.value}` : ''}${spec.multiple ? ' …' : ''}`;
    return `  ${left.padEnd(26)} ${spec.help}${spec.required ? ' (required)' : ''}`;
  });
}

function commandHelp(command: Command): string {
  const usage = Object.entries(command.options)
    .map(([name, spec]) => (spec.required ? `--${name} ${spec.value ?? ''}`.trimEnd() : `[--${name}${spec.value ? ` ${spec.value}` : ''}]`))
    .join(' ');
  return [
    `usage: keyward [--db PATH] [--json] ${command.path.join(' ')}${command.positional ? ` ${command.positional.name.toUpperCase()}` : ''}${usage ? ` ${usage}` : ''}`,
    '',
    command.summary,
    ...(Object.keys(command.options).length ? ['', 'options:', ...optionLines(command.options)] : []),
    '',
    'global options:',
    ...optionLines(GLOBAL_OPTIONS),
  ].join('\n');
}

function generalHelp(positionals: readonly string[]): string {
  const group = COMMANDS.filter((c) => positionals.length === 0 || c.path[0] === positionals[0]);
  const shown = group.length ? group : COMMANDS;
  return [
    'usage: keyward [--db PATH] [--json] <command> [options]',
    '',
    'Keyward keeps the custody ledger of emergency access credentials.',
    '',
    'commands:',
    ...shown.map((c) => `  ${c.path.join(' ').padEnd(18)} ${c.summary}`),
    '',
    'global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Run "keyward <command> --help" for the options of one command.',
    'Exit codes: 0 success, 1 bad usage or bad input, 2 a verification finding.',
  ].join('\n');
}
