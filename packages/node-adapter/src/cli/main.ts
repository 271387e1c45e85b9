#!/usr/bin/env node
/**
 * `vopop`: the SDK's command line. Each subcommand lives in its own file; this one only
 * dispatches and sets the process exit code.
 */
import type { CliCommand } from './cliIo';
import { processIo } from './cliIo';
import { detectCommand } from './detectCommand';
import { generateCommand } from './generateCommand';
import { templateCommand } from './templateBuildCommand';
import { templatesCommand } from './templatesCommand';
import { webAssetsCommand } from './webAssetsCommand';

const commands: Readonly<Record<string, CliCommand>> = {
  detect: detectCommand,
  generate: generateCommand,
  template: templateCommand,
  templates: templatesCommand,
  'web-assets': webAssetsCommand,
};

const usage = `Usage: vopop <command> [options]

Commands:
  detect <photo>     print the face's box, five points, score and pose (see vopop detect --help)
  generate <photo>   make a face video from a photo, then wipe the photo (see vopop generate --help)
  templates          list the built-in templates
  template build <video> -o <template.json>
                     make a template from a real video (see vopop template build --help)
  web-assets --out <dir>
                     copy the models and tfjs wasm a web app serves, with SHA-256 list
`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    processIo.stdout(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    processIo.stderr(`vopop: unknown command "${name.slice(0, 40)}"\n\n${usage}`);
    return 2;
  }
  return command(rest, processIo);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    processIo.stderr(`vopop: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
