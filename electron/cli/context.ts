// Shared plumbing of the CLI: every command takes --data-dir and --json, opens the same core,
// and goes through the same dispatcher as the app (audited the same way, origin "cli").
// Commands that act as a member sign in with --user and the CANVASS_PASSWORD variable.
import type { Command } from 'commander';
import { Dispatcher } from '../api/dispatcher';
import type { Access, CommandName, InputOf, ResultOf } from '../api/contract';
import { createCore, type Core } from '../core/app';
import { resolveDataDir } from '../core/store/db';

export interface CommonOptions {
  dataDir?: string;
  json?: boolean;
}

export interface MemberOptions extends CommonOptions {
  user?: string;
  purpose?: string;
  case?: string;
  totp?: string;
}

/** Adds the options every command takes. */
export function common(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data folder (default: $CANVASS_DATA_DIR or the OS app-data folder)')
    .option('--json', 'print one machine-readable JSON object on stdout');
}

/** Adds --user (and --totp); password comes from CANVASS_PASSWORD. */
export function asMember(cmd: Command): Command {
  return common(cmd)
    .option('--user <name>', 'act as this member (password from $CANVASS_PASSWORD)', process.env.CANVASS_USER)
    .option('--totp <code>', 'authenticator code, if the member has two-factor sign-in');
}

/** Adds --purpose and --case, required for anything that touches ALPR data (R1). */
export function withAccess(cmd: Command): Command {
  return asMember(cmd)
    .option('--purpose <purpose>', "purpose from the agency's list (R1)")
    .option('--case <number>', 'case or incident number (R1)');
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'cli_error',
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface Cli {
  core: Core;
  api: Dispatcher;
  dataDir: string;
  token: string | undefined;
  call<N extends CommandName>(name: N, input: InputOf<N>): Promise<ResultOf<N>>;
  close(): void;
}

export function openCli(opts: CommonOptions): Cli {
  const dataDir = resolveDataDir(opts.dataDir);
  const core = createCore({
    dataDir,
    // an existing store being upgraded says so (at 10M reads that takes ~40 s); a new one is quiet
    onMigration: (m) => {
      if (m.from > 0)
        process.stderr.write(`canvass: updating the store to version ${m.version} (${m.step} of ${m.steps}: ${m.name})…\n`);
    },
  });
  const api = new Dispatcher(core);
  const cli: Cli = {
    core,
    api,
    dataDir,
    token: undefined,
    async call(name, input) {
      const r = await api.call(name, input, { token: cli.token, origin: 'cli' });
      if (!r.ok) throw new CliError(r.error.message, r.error.code, r.error.details);
      return r.result as ResultOf<typeof name>;
    },
    close: () => core.close(),
  };
  return cli;
}

/** Signs in as --user with CANVASS_PASSWORD. */
export async function signIn(cli: Cli, opts: MemberOptions): Promise<void> {
  if (!opts.user) throw new CliError('--user is required (or set CANVASS_USER).', 'invalid_input');
  const password = process.env.CANVASS_PASSWORD;
  if (!password) throw new CliError('Set the CANVASS_PASSWORD environment variable to the password of --user.', 'invalid_input');
  const r = await cli.call('auth.signIn', { username: opts.user, password, ...(opts.totp ? { totp: opts.totp } : {}) });
  cli.token = r.token;
}

export function accessFrom(opts: MemberOptions): Access {
  if (!opts.purpose || !opts.case) {
    throw new CliError('This command touches ALPR data: give --purpose and --case (R1).', 'purpose_required');
  }
  return { purpose: opts.purpose, caseNumber: opts.case };
}

/**
 * Wraps a commander action: opens the store, runs the body with the options and positional
 * arguments, prints errors the way --json asks for, and always closes the store.
 */
export function run<O extends CommonOptions>(body: (cli: Cli, opts: O, args: string[]) => Promise<void>) {
  return async (...a: unknown[]): Promise<void> => {
    const command = a[a.length - 1] as Command;
    const opts = command.optsWithGlobals() as O;
    const args = a.slice(0, -2).flatMap((x) => (Array.isArray(x) ? (x as string[]) : [x as string]));
    let cli: Cli | undefined;
    try {
      cli = openCli(opts);
      await body(cli, opts, args);
    } catch (e) {
      const err =
        e instanceof CliError
          ? e
          : new CliError(e instanceof Error ? e.message : String(e), (e as { code?: string }).code ?? 'error');
      if (opts.json) process.stdout.write(JSON.stringify({ error: { code: err.code, message: err.message, details: err.details } }) + '\n');
      process.stderr.write(`canvass: ${err.message}\n`);
      process.exitCode = 1;
    } finally {
      cli?.close();
    }
  };
}

/** Prints a result: JSON when asked, otherwise the human text. */
export function print(opts: CommonOptions, json: unknown, text: string | (() => string)): void {
  if (opts.json) process.stdout.write(JSON.stringify(json) + '\n');
  else process.stdout.write((typeof text === 'function' ? text() : text) + '\n');
}
