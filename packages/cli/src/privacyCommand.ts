import { join } from 'node:path';
import { InvalidArgumentError, disclosureFileNames, generateDisclosures, parseSdkPrivacyConfig } from '@vopop/core';
import type { CliCommand } from './cliIo';
import { exitCodes } from './exitCodes';
import { readBoundedFile, checkOutputTarget, writeOutputFile } from '@vopop/node-adapter';
import { parseCommandLine } from './parseCommandLine';

const usage = `Usage: vopop privacy --config <file> --out <dir> [--force] [--json]

Writes the privacy disclosures for an app's SDK configuration (JSON; see examples/privacy/)
into <dir>, each saying exactly what the configured SDK does:
  PrivacyInfo.xcprivacy    Apple privacy manifest (property list)
  play-data-safety.json    answers for Google Play's Data safety form
  privacy-notice.md        the plain-language notice to show before asking for consent
  retention-schedule.md    the public retention and destruction schedule (BIPA)
  -c, --config <file>  the configuration
  -o, --out <dir>      the folder to write (created if missing)
  --force              replace files already there
  --json               print { "files": [...] } instead of lines
`;

/** Largest configuration file accepted: a few hundred bytes are normal. */
const maxConfigBytes = 64 * 1024;

/** Read and validate the configuration file; messages never quote the path or the content. */
async function readConfig(file: string) {
  const bytes = await readBoundedFile(file, { subject: 'privacy configuration', maxBytes: maxConfigBytes });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new InvalidArgumentError('privacy configuration: the file is not valid UTF-8 JSON.');
  }
  return parseSdkPrivacyConfig(json);
}

/**
 * `vopop privacy --config <file> --out <dir>`: generate the privacy manifest, Play data-safety
 * answers, notice and retention schedule from one configuration. Exit 0; 2 for usage or an
 * invalid configuration; 3 for a configuration file that cannot be read; 9 when an output
 * cannot be written.
 *
 * @public
 */
export const privacyCommand: CliCommand = async (args, io) => {
  const line = parseCommandLine(io, 'vopop privacy', usage, args, {
    config: { type: 'string', short: 'c' },
    out: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  });
  if ('exitCode' in line) return line.exitCode;
  const { config, out, force, json } = line.values;
  if (line.positionals.length > 0) return line.report.usageError('unexpected argument');
  if (config === undefined || out === undefined) return line.report.usageError('--config and --out are required');
  try {
    const disclosures = generateDisclosures(await readConfig(config));
    // Every target is checked before the first is written: a refusal leaves nothing half-done.
    const targets = await Promise.all(
      disclosureFileNames.map((name) =>
        checkOutputTarget(join(out, name), { subject: `privacy disclosure ${name}`, force: force === true }),
      ),
    );
    for (const [index, name] of disclosureFileNames.entries()) {
      await writeOutputFile(targets[index]!, new TextEncoder().encode(disclosures[name]), { mode: 0o644 });
    }
    io.stdout(json ? `${JSON.stringify({ files: disclosureFileNames })}\n` : `${disclosureFileNames.map((n) => `wrote ${n}`).join('\n')}\n`);
    return exitCodes.ok;
  } catch (error) {
    return line.report.failure(error);
  }
};
