/**
 * Where a CLI command writes. Injected so that commands can be tested in-process and so that
 * `--json` output is exactly one object on stdout.
 */
export interface CliIo {
  /** Write to standard output (text as given, no newline added). */
  readonly stdout: (text: string) => void;
  /** Write to standard error (text as given, no newline added). */
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars only then). */
  readonly isTTY: boolean;
}

/** The process's own streams. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

/**
 * A command: parses its own arguments (after the subcommand name) and returns the exit code.
 * Exit codes: 0 ok; 2 usage; 3 input/photo errors; 4 face policy errors; 5 model/integrity;
 * 6 template errors; 7 render/encode errors; 8 consent/privacy; 1 anything unexpected.
 * `signal` is the run's Ctrl-C (aborted by the first SIGINT); a command stops and purges on it.
 */
export type CliCommand = (args: readonly string[], io: CliIo, signal?: AbortSignal) => Promise<number>;
