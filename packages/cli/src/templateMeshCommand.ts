import { TemplateInvalidError } from '@vopop/core';
import { loadTemplateFile } from '@vopop/node-adapter';
import type { CliCommand } from './cliIo';
import { exitCodeHelp, exitCodes } from './exitCodes';
import { parseCommandLine } from './parseCommandLine';

const usage = `Usage: vopop template mesh <template.json> [--json]

Print the mesh face track of a format-2 template (what \`vopop template build\` writes), read from
its data file and checked (size, SHA-256, every point) as a render would read it: per frame every
mesh point, x, y and z, in frame pixels. Template data, for inspecting and testing templates.

Options:
  --json       print {"frames": [[x0, y0, z0, x1, …], …]}, one frame per line
  -h, --help   this text

${exitCodeHelp}`;

/**
 * `vopop template mesh <template.json> [--json]`: print a format-2 template's mesh track, as a
 * summary or, with `--json`, as `{"frames": [[x0, y0, z0, …], …]}`. A template without a mesh
 * track is a `TemplateInvalidError` (exit 6), as is a damaged mesh data file. Takes the
 * arguments after `mesh`.
 *
 * @public
 */
export const templateMeshCommand: CliCommand = async (args, io, signal) => {
  const line = parseCommandLine(io, 'vopop template mesh', usage, args, {});
  if ('exitCode' in line) return line.exitCode;
  const { values, positionals, report: { usageError, failure } } = line;
  if (positionals.length !== 1) return usageError('give exactly one template manifest');
  try {
    const loaded = await loadTemplateFile(positionals[0]!, signal ? { signal } : {});
    const track = loaded.template.faceTrack;
    const mesh = loaded.meshTrack;
    if (track.kind !== 'mesh' || mesh === undefined) {
      throw TemplateInvalidError.at('faceTrack.kind', `this template has a '${track.kind}' face track, not a 'mesh' one (format 2; vopop template build writes one)`);
    }
    if (values.json === true) {
      // One frame per line, written as it goes: a minute at 60 fps is 3,600 lines of 1,434 numbers.
      io.stdout('{"frames": [\n');
      mesh.frames.forEach((frame, f) => io.stdout(`${JSON.stringify(Array.from(frame))}${f + 1 < mesh.frames.length ? ',' : ''}\n`));
      io.stdout(']}\n');
    } else {
      const step = track.data.encoding === 'int16le' ? ` in steps of ${track.data.scale} px` : '';
      io.stdout(
        `${mesh.frames.length} frames of ${mesh.pointCount} points (x, y, z in frame pixels); neutral frame ${track.neutralFrame}\n` +
          `Data: ${track.data.path} (${track.data.encoding}${step}), SHA-256 checked\n` +
          `Mouth interior from: ${track.regions.mouth}; eye regions from: ${track.regions.eyes}\n`,
      );
    }
    return exitCodes.ok;
  } catch (error) {
    return failure(error);
  }
};
