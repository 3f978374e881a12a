import type { Session } from '../app/ports';
import type { LedgerVerification } from '../core/ledger/ledger-verification';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly home: string;
  readonly username: string;
  /** Whether stderr is a terminal, where long work shows its progress (see progress.ts). */
  readonly stderrIsTerminal?: boolean;
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly required?: boolean;
  readonly value?: string;
  /** May be given more than once; the values arrive as a list. */
  readonly multiple?: boolean;
  readonly help: string;
}

export interface CommandContext {
  readonly options: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly databasePath: string;
  readonly io: CliIo;
  /** Opens the existing database (once) as the acting operator. */
  readonly session: () => Session;
  /** Creates the database when missing; the init command's way in. */
  readonly initSession: () => { session: Session; created: boolean };
}

/** What a command hands back: the value to print, and optionally a verification finding. */
export interface CommandResult {
  readonly value: unknown;
  readonly human: string;
  readonly finding?: LedgerVerification;
  readonly exitCode?: 0 | 2;
}

export type CommandRun = (context: CommandContext) => CommandResult | Promise<CommandResult>;

/** What a command module exports: its commands' runs, by name. */
export interface CommandModule {
  readonly runs: Readonly<Record<string, CommandRun>>;
}

/**
 * A command as the parser and the help know it. Its run lives in a command module that is
 * imported only when the command runs, so the libraries one command needs (pdfkit,
 * @simplewebauthn/server, ...) are never loaded for another, nor for --help.
 */
export interface Command {
  readonly path: readonly string[];
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** One positional argument after the command words (e.g. a file), handed on as an option. */
  readonly positional?: { readonly name: string; readonly help: string };
  /** Only reads the database: it is opened read-only, so the command cannot change it. */
  readonly readonly?: boolean;
  readonly load: () => Promise<CommandRun>;
}
