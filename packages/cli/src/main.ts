#!/usr/bin/env node
/**
 * `vopop`: the SDK's command line. Each subcommand lives in its own file; this one only
 * dispatches and sets the process exit code.
 */
import type { CliCommand } from './cliIo';
import { processIo } from './cliIo';
import { detectCommand } from './detectCommand';
import { describeError, exitCodes } from './exitCodes';
import { generateCommand } from './generateCommand';
import { listenForInterrupt } from './interruptSignal';
import { privacyCommand } from './privacyCommand';
import { quoteArgument } from './quoteArgument';
import { serveCommand } from './serveCommand';
import { templateCommand } from './templateBuildCommand';
import { telemetryCommand } from './telemetryCommand';
import { templatesCommand } from './templatesCommand';
import { webAssetsCommand } from './webAssetsCommand';

const commands: Readonly<Record<string, CliCommand>> = {
  detect: detectCommand,
  generate: generateCommand,
  privacy: privacyCommand,
  serve: serveCommand,
  telemetry: telemetryCommand,
  template: templateCommand,
  templates: templatesCommand,
  'web-assets': webAssetsCommand,
};

const usage = `Usage: vopop <command> [options]

Commands:
  detect <photo>     print the face's box, five points, score and pose (see vopop detect --help)
  generate <photo>   make a face video from a photo, then wipe the photo (see vopop generate --help)
  privacy --config <file> --out <dir>
                     write the privacy manifest, Play answers, notice and retention schedule
  serve [--port N] [--api-key K]
                     run the render server for generate --remote, on loopback (see vopop serve --help)
  telemetry show     print what opt-in telemetry would send (see vopop telemetry --help)
  templates          list the built-in templates
  template build <video> -o <template.json>
                     make a template from a real video (see vopop template build --help)
  template mesh <template.json> [--json]
                     print a format-2 template's mesh track (see vopop template mesh --help)
  web-assets --out <dir>
                     copy the models and tfjs wasm a web app serves, with SHA-256 list
`;

// Before any command runs: a Ctrl-C at any point (even while consent or a template is checked)
// aborts the run cleanly instead of killing it halfway.
const interrupt = listenForInterrupt();

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    processIo.stdout(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    processIo.stderr(`vopop: unknown command ${quoteArgument(name)}\n\n${usage}`);
    return 2;
  }
  return command(rest, processIo, interrupt.signal);
}

main(process.argv.slice(2)).then(
  (code) => {
    // Interrupted and not finished: 130 whatever the error the abort surfaced as.
    process.exitCode = interrupt.signal.aborted && code !== exitCodes.ok ? exitCodes.aborted : code;
    interrupt.dispose();
  },
  (error: unknown) => {
    // Only what describeError keeps: a system error's own message would quote a path.
    processIo.stderr(`vopop: ${describeError(error).message}\n`);
    process.exitCode = interrupt.signal.aborted ? exitCodes.aborted : exitCodes.unexpected;
    interrupt.dispose();
  },
);
