import process from 'node:process';
import {
  TelemetryRecorder,
  durationBuckets,
  photoSizeClasses,
  telemetryFeatures,
  telemetryOutcomes,
  telemetryStages,
} from '@vopop/core';
import type { TelemetryReport } from '@vopop/core';
import type { CliCommand } from './cliIo';
import { exitCodes } from './exitCodes';
import { parseCommandLine } from './parseCommandLine';

const usage = [
  'Usage: vopop telemetry show [--generations <n>] [--json]',
  '',
  'Prints what the SDK\'s opt-in telemetry sends: the closed vocabulary of what it can count,',
  'and the exact report an app\'s TelemetryRecorder would send after <n> successful generations',
  '(default 10, the threshold under which a count stays on the device).',
  'The vopop CLI itself records and sends nothing.',
  '  --generations <n>   how many generations the example report counts (1-1000)',
  '  --json              print one JSON object { "vocabulary": ..., "report": ... }',
  '',
].join('\n');

/** The report a recorder would send after `generations` successful generations on this Node. */
function exampleTelemetryReport(generations: number, now: number = Date.now()): TelemetryReport {
  const recorder = new TelemetryRecorder({
    enabled: true,
    sink: { send: () => Promise.resolve() },
    sdkVersion: '0.1',
    platform: 'node',
    platformVersion: String(process.versions.node.split('.')[0]),
    wallClock: () => now,
  });
  const fast = { decode: 0, detect: 0, align: 0, render: 0, purge: 0 };
  for (let i = 0; i < generations; i++) recorder.recordGeneration(fast, undefined);
  return recorder.preview();
}

const vocabulary = {
  events: {
    'generation.outcome': { outcome: telemetryOutcomes },
    'generation.stage': { stage: telemetryStages, duration: durationBuckets },
    'photo.size': { sizeClass: photoSizeClasses },
    'feature.used': { feature: telemetryFeatures, used: ['yes', 'no (randomized response)'] },
  },
};

function text(report: TelemetryReport): string {
  const lines = [
    'Telemetry is opt-in and off by default; the vopop CLI records and sends nothing.',
    'It can count only these events (every value from a fixed list; no text, ids or times):',
    ...Object.entries(vocabulary.events).map(
      ([name, fields]) =>
        `  ${name}: ${Object.entries(fields)
          .map(([field, values]) => `${field} ∈ {${values.join(', ')}}`)
          .join('; ')}`,
    ),
    '',
    'The report sent at most once a day (counts under the threshold stay on the device):',
    JSON.stringify(report, null, 2),
    '',
  ];
  return lines.join('\n');
}

/**
 * `vopop telemetry show`: print the telemetry vocabulary and an example of the one report a day
 * that leaves a device with telemetry on. Exit 0, or 2 for a usage error.
 *
 * @public
 */
export const telemetryCommand: CliCommand = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') {
    io.stdout(usage);
    return exitCodes.ok;
  }
  if (sub !== 'show') {
    io.stderr(`vopop telemetry: expected 'show'\n\n${usage}`);
    return exitCodes.usage;
  }
  const line = parseCommandLine(io, 'vopop telemetry show', usage, rest, { generations: { type: 'string' } });
  if ('exitCode' in line) return line.exitCode;
  if (line.positionals.length > 0) {
    io.stderr(`vopop telemetry show: unexpected argument\n\n${usage}`);
    return exitCodes.usage;
  }
  const generations = line.values.generations === undefined ? 10 : Number(line.values.generations);
  if (!Number.isInteger(generations) || generations < 1 || generations > 1000) {
    io.stderr(`vopop telemetry show: --generations must be a whole number from 1 to 1000\n\n${usage}`);
    return exitCodes.usage;
  }
  const report = exampleTelemetryReport(generations);
  io.stdout(line.values.json ? `${JSON.stringify({ vocabulary, report })}\n` : text(report));
  return exitCodes.ok;
};
