import type { CliIo } from './cliIo';
import { describeError, exitCodeFor, exitCodes } from './exitCodes';

/**
 * How a command reports a failure: a line for people on stderr (with the usage text after a
 * usage mistake), or, with `--json`, exactly one `{ "error": { code, message } }` object on stdout
 * so that scripts never have to parse prose. Returns the exit code to use.
 */
export interface CommandReporter {
  /** The arguments were wrong: exit code 2. */
  usageError(message: string): number;
  /** The command failed: the exit code of the error's family. */
  failure(error: unknown): number;
}

/** A reporter for the command `name` (e.g. `'vopop detect'`). */
export function commandReporter(io: CliIo, name: string, usage: string, json: boolean): CommandReporter {
  return {
    usageError: (message) => {
      if (json) io.stdout(`${JSON.stringify({ error: { code: 'USAGE', message } })}\n`);
      else io.stderr(`${name}: ${message}\n\n${usage}`);
      return exitCodes.usage;
    },
    failure: (error) => {
      const described = describeError(error);
      if (json) io.stdout(`${JSON.stringify({ error: described })}\n`);
      else io.stderr(`${name}: ${described.message}\n`);
      return exitCodeFor(error);
    },
  };
}
