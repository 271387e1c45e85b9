import path from 'node:path';
import { buildTemplateFromVideo } from '@vopop/node-adapter';
import type { CliCommand } from './cliIo';
import { backendOption, parseCommandLine } from './parseCommandLine';
import { exitCodeHelp, exitCodes } from './exitCodes';
import { quoteArgument } from './quoteArgument';
import { templateMeshCommand } from './templateMeshCommand';

const usage = `Usage: vopop template build <video> -o <template.json> [options]

Make a template (format 2) from a real video (MP4, MOV or WebM): the video becomes the
background, and the face in it is tracked frame by frame into the template's mesh face track
(478 points with x, y, z per frame, in <id>.mesh.bin beside the manifest), so that a user's face
is later placed where the filmed face was and follows its head and expression. The video is
copied next to the manifest unless it is already in that folder. Frames and landmarks are wiped
from memory as soon as they are used.

Options:
  -o, --output <file>       where to write the manifest (required); checked before any work
                            starts; files are written whole (mode 0600) or not at all
  --force                   replace an existing manifest or mesh data file, or a different file
                            under the background copy's name (never a link, folder or device)
  --id <slug>               template id (default: from the video's file name)
  --title <text>            human-readable name (default: the id)
  --licence <text>          licence of the video and template, e.g. CC-BY-4.0 (default: NOASSERTION)
  --max-gap <seconds>       longest stretch without a face to fill in (default: 0.5)
  --raw                     keep the raw detections (no One-Euro smoothing)
  --neutral-frame <n>       the frame whose face is at rest (default: chosen from the track:
                            mouth closed, head not turned, no blink)
  --backend wasm|cpu        tfjs backend (default: wasm, cpu fallback)
  --json                    print one JSON object (result or error) instead of text
  -h, --help                this text

${exitCodeHelp}`;

/** A slug from a file name: `My Dance (take 2).mp4` → `my-dance-take-2`. */
function slugFrom(file: string): string {
  const base = path.basename(file).replace(/\.[^.]*$/, '');
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug === '' ? 'template' : slug;
}

/**
 * `vopop template build <video> -o template.json`: build a template manifest from a video, or
 * print the typed error (`{"error":{code,message}}` with `--json`); exit codes by error family.
 * Takes the arguments after `build`.
 *
 * @public
 */
export const templateBuildCommand: CliCommand = async (args, io, signal = new AbortController().signal) => {
  const line = parseCommandLine(io, 'vopop template build', usage, args, {
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    id: { type: 'string' },
    title: { type: 'string' },
    licence: { type: 'string' },
    'max-gap': { type: 'string' },
    raw: { type: 'boolean' },
    'neutral-frame': { type: 'string' },
    backend: { type: 'string' },
  });
  if ('exitCode' in line) return line.exitCode;
  const { values, positionals, report: { usageError, failure } } = line;
  const json = values.json === true;
  if (positionals.length !== 1) return usageError('give exactly one video');
  if (values.output === undefined || values.output === '') return usageError('-o <template.json> is required');
  const backend = backendOption(values.backend);
  if (backend === 'invalid') return usageError('--backend must be wasm or cpu');
  const maxGapSeconds = values['max-gap'] === undefined ? undefined : Number(values['max-gap']);
  if (maxGapSeconds !== undefined && !(Number.isFinite(maxGapSeconds) && maxGapSeconds >= 0)) {
    return usageError('--max-gap must be a number of seconds ≥ 0');
  }
  const neutralFrame = values['neutral-frame'] === undefined ? undefined : Number(values['neutral-frame']);
  if (neutralFrame !== undefined && !(Number.isInteger(neutralFrame) && neutralFrame >= 0)) {
    return usageError('--neutral-frame must be a frame index ≥ 0');
  }
  const video = positionals[0]!;
  const id = values.id ?? slugFrom(video);

  let drawn = false;
  try {
    const result = await buildTemplateFromVideo(video, {
      output: values.output,
      force: values.force === true,
      id,
      title: values.title ?? id,
      licence: values.licence ?? 'NOASSERTION',
      ...(values.raw ? { smoothing: false as const } : {}),
      ...(maxGapSeconds === undefined ? {} : { maxGapSeconds }),
      ...(neutralFrame === undefined ? {} : { neutralFrame }),
      ...backend,
      signal,
      onProgress: ({ frames, facesFound, timestampSec }) => {
        if (json || !io.isTTY) return;
        io.stderr(`\rtracking  frame ${frames}  (${timestampSec.toFixed(1)} s, face in ${facesFound})`);
        drawn = true;
      },
    });
    if (drawn) io.stderr('\r\u001b[2K');
    const t = result.template;
    const output = path.relative(process.cwd(), result.manifestPath) || result.manifestPath;
    const videoPath = path.relative(process.cwd(), result.videoPath) || result.videoPath;
    const meshPath = path.relative(process.cwd(), result.meshPath) || result.meshPath;
    const mesh = t.faceTrack.kind === 'mesh' ? t.faceTrack : undefined;
    if (json) {
      io.stdout(
        `${JSON.stringify({
          output,
          video: videoPath,
          copiedVideo: result.copiedVideo,
          mesh: meshPath,
          pointCount: mesh?.pointCount,
          neutralFrame: mesh?.neutralFrame,
          id: t.id,
          codec: result.codec,
          width: t.width,
          height: t.height,
          fps: t.fps,
          frames: t.frameCount,
          detectedFrames: result.detectedFrames,
          filledFrames: result.filledFrames,
          purge: result.receipt.totals,
          framePurge: result.framePurge,
        })}\n`,
      );
    } else {
      io.stdout(
        `Wrote ${output} (template "${t.id}", ${t.width}×${t.height}, ${t.fps} fps, ${t.frameCount} frames; ` +
          `face found in ${result.detectedFrames}, ${result.filledFrames} filled in)\n` +
          `Background: ${videoPath}${result.copiedVideo ? ' (copied)' : ''}\n` +
          `Mesh: ${meshPath} (${mesh?.pointCount ?? 0} points per frame; neutral frame ${mesh?.neutralFrame ?? 0})\n` +
          `Wiped ${result.framePurge.wiped} frame and landmark buffers as they were used ` +
          `(${result.framePurge.verified} re-read as zeros).\n` +
          (values.licence === undefined ? 'No --licence given: the manifest says NOASSERTION; set it before sharing.\n' : ''),
      );
    }
    return exitCodes.ok;
  } catch (error) {
    if (drawn) io.stderr('\r\u001b[2K');
    return failure(error);
  }
};

const groupUsage = `Usage: vopop template <subcommand>

Subcommands:
  build <video> -o <template.json>   make a template from a real video (see vopop template build --help)
  mesh <template.json> [--json]      print a template's mesh track (see vopop template mesh --help)
`;

/**
 * `vopop template <subcommand>`: dispatches `build` to {@link templateBuildCommand} and `mesh`
 * to `templateMeshCommand`.
 *
 * @public
 */
export const templateCommand: CliCommand = async (args, io, signal) => {
  const [sub, ...rest] = args;
  if (sub === 'build') return templateBuildCommand(rest, io, signal);
  if (sub === 'mesh') return templateMeshCommand(rest, io, signal);
  if (sub === '--help' || sub === '-h') {
    io.stdout(groupUsage);
    return exitCodes.ok;
  }
  io.stderr(`${sub === undefined ? '' : `vopop template: unknown subcommand ${quoteArgument(sub)}\n\n`}${groupUsage}`);
  return exitCodes.usage;
};
