import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './cliIo';
import type { CommandReporter } from './commandReporter';
import { commandReporter } from './commandReporter';
import { exitCodes } from './exitCodes';

type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Every command takes `--json` and `-h/--help` on top of its own options. */
type WithCommonOptions<O extends CommandOptions> = O & {
  json: { type: 'boolean' };
  help: { type: 'boolean'; short: 'h' };
};

type ParsedValues<O extends CommandOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: WithCommonOptions<O> }>
>['values'];

/** A command line the command should run with. */
export interface CommandLine<O extends CommandOptions> {
  readonly values: ParsedValues<O>;
  readonly positionals: readonly string[];
  /** Reports failures as text or, with `--json`, as one JSON object. */
  readonly report: CommandReporter;
}

/** The command is already answered (help printed, or a parse error): exit with this code. */
export interface CommandExit {
  readonly exitCode: number;
}

/**
 * Parse a command's arguments the same way for every `vopop` command: an unknown or malformed
 * option prints the usage and exits 2, `--help` prints the usage and exits 0, and otherwise the
 * command gets its values and a reporter that honours `--json`.
 */
export function parseCommandLine<const O extends CommandOptions>(
  io: CliIo,
  name: string,
  usage: string,
  args: readonly string[],
  options: O,
): CommandLine<O> | CommandExit {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...options,
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      } as WithCommonOptions<O>,
    });
  } catch (error) {
    io.stderr(`${name}: ${(error as Error).message}\n\n${usage}`);
    return { exitCode: exitCodes.usage };
  }
  // parseArgs cannot resolve its result type for an open `O`; the two common flags are read
  // through a plain view of the same object.
  const common = parsed.values as { help?: boolean; json?: boolean };
  if (common.help) {
    io.stdout(usage);
    return { exitCode: exitCodes.ok };
  }
  return {
    values: parsed.values as ParsedValues<O>,
    positionals: parsed.positionals,
    report: commandReporter(io, name, usage, common.json === true),
  };
}

/** `--backend`: undefined (the default order), or one tfjs backend; anything else is a usage error. */
export function backendOption(value: unknown): { backend?: 'wasm' | 'cpu' } | 'invalid' {
  if (value === undefined) return {};
  return value === 'wasm' || value === 'cpu' ? { backend: value } : 'invalid';
}
