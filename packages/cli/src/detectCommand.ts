import { AbortedError, EphemeralScope, estimateHeadPose, fivePointsFromMesh, selectFace } from '@vopop/core';
import { readPhotoFile, createNodeFaceDetector, WasmImageDecoder } from '@vopop/node-adapter';
import type { CliCommand } from './cliIo';
import { backendOption, parseCommandLine } from './parseCommandLine';
import { exitCodeHelp, exitCodes } from './exitCodes';

const usage = `Usage: vopop detect <photo> [options]

Find the face in <photo> on this machine and print its box, the five alignment points (eye
centres, nose tip, mouth corners), the detector's score and the head pose. The full landmark mesh
is never printed. Everything is wiped from memory before the command exits.

Options:
  --multiple largest|reject what to do with several faces (default: largest)
  --landmarks 468|478       mesh to use (default: 468)
  --backend wasm|cpu        tfjs backend (default: wasm, cpu fallback)
  --json                    print one JSON object: {"faces":[{box,points5,score,pose}]} or {"error":{code,message}}
  -h, --help                this text

${exitCodeHelp}`;

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * `vopop detect <photo>`: the selected face's box, five points, score and pose, or the typed error.
 *
 * @public
 */
export const detectCommand: CliCommand = async (args, io, signal = new AbortController().signal) => {
  const line = parseCommandLine(io, 'vopop detect', usage, args, {
    multiple: { type: 'string' },
    landmarks: { type: 'string' },
    backend: { type: 'string' },
  });
  if ('exitCode' in line) return line.exitCode;
  const { values, positionals, report: { usageError, failure } } = line;
  const json = values.json === true;
  if (positionals.length !== 1) return usageError('give exactly one photo');
  const multiple = values.multiple ?? 'largest';
  if (multiple !== 'largest' && multiple !== 'reject') return usageError('--multiple must be largest or reject');
  const landmarks = values.landmarks === undefined ? 468 : Number(values.landmarks);
  if (landmarks !== 468 && landmarks !== 478) return usageError('--landmarks must be 468 or 478');
  const backend = backendOption(values.backend);
  if (backend === 'invalid') return usageError('--backend must be wasm or cpu');

  try {
    // Ctrl-C purges the scope at once; each stage below also stops on the signal.
    using scope = new EphemeralScope({ label: 'detect', signal });
    // Bounded (no folder, device or FIFO; nothing over the decoder's byte limit) and abortable.
    const bytes = scope.hold(await readPhotoFile(positionals[0]!, { signal }), { kind: 'photo-bytes', label: 'photo.bytes' });
    using detector = await createNodeFaceDetector({
      landmarks,
      ...backend,
      signal,
    });
    if (signal.aborted) throw new AbortedError(signal.reason);
    // The residue-free decoder, as in `vopop generate`: sharp leaves decoded pixels in freed
    // native memory (docs/decoding-privacy.md).
    const image = await new WasmImageDecoder().decode(bytes.value, scope, { signal });
    const face = selectFace(await detector.detect(image, scope, { signal }), { multiple });
    const { box, score } = face.value;
    const points = fivePointsFromMesh(face.value);
    const pose = estimateHeadPose(face.value);
    const result = {
      box: { xMin: round(box[0]!), yMin: round(box[1]!), xMax: round(box[2]!), yMax: round(box[3]!) },
      points5: [0, 1, 2, 3, 4].map((i) => [round(points[2 * i]!), round(points[2 * i + 1]!)]),
      score: Math.round(score[0]! * 1000) / 1000,
      pose: { yaw: round(pose.yaw), pitch: round(pose.pitch), roll: round(pose.roll) },
    };
    points.fill(0);
    if (json) {
      io.stdout(`${JSON.stringify({ faces: [result] })}\n`);
    } else {
      const b = result.box;
      io.stdout(
        `face: box (${b.xMin}, ${b.yMin})–(${b.xMax}, ${b.yMax}), score ${result.score}\n` +
          `  eyes ${JSON.stringify(result.points5[0])} ${JSON.stringify(result.points5[1])}, nose ${JSON.stringify(result.points5[2])}, ` +
          `mouth ${JSON.stringify(result.points5[3])} ${JSON.stringify(result.points5[4])}\n` +
          `  pose: yaw ${result.pose.yaw}°, pitch ${result.pose.pitch}°, roll ${result.pose.roll}°\n`,
      );
    }
    return exitCodes.ok;
  } catch (error) {
    return failure(error);
  }
};
