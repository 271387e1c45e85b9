import { lstat, open, realpath, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, isSafeAssetPath, OutputWriteError, RenderFailedError } from '@vopop/core';
import type { OutputChunkWriter, OutputTarget } from '../files/writeOutputFile';
import { checkOutputTarget, writeOutputFile } from '../files/writeOutputFile';

/** Containers a template's `'video'` background may be in, by the extension the manifest uses. */
export type TemplateVideoExtension = 'mp4' | 'mov' | 'webm';

/**
 * The container of a video from its first bytes, or `undefined` when it is none of those a
 * template can name. Extensions lie; magic bytes do not.
 *
 * @internal
 */
export function sniffVideoContainer(head: Uint8Array): TemplateVideoExtension | undefined {
  if (head.length >= 12 && head[4] === 0x66 && head[5] === 0x74 && head[6] === 0x79 && head[7] === 0x70) {
    const brand = String.fromCharCode(head[8]!, head[9]!, head[10]!, head[11]!);
    return brand === 'qt  ' ? 'mov' : 'mp4';
  }
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  return undefined;
}

async function readHead(video: Uint8Array | string): Promise<Uint8Array> {
  if (video instanceof Uint8Array) return video.subarray(0, 16);
  let handle;
  try {
    handle = await open(video, 'r');
  } catch (error) {
    // The path is the caller's and may name a person; it stays out of the message.
    throw new InvalidArgumentError(
      `The video file could not be opened (${(error as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'check that the path exists and is readable.',
    );
  }
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Where a build writes: the manifest, the mesh track's data file (`<id>.mesh.bin` beside the
 * manifest), and the background video (the input itself when it already lies in the manifest's
 * folder under a usable name, otherwise a copy named after the template id).
 *
 * @internal
 */
export interface TemplateOutputPlan {
  /** Absolute path of the manifest. */
  readonly manifestPath: string;
  /** Absolute path of the background video. */
  readonly videoPath: string;
  /** The background's path as the manifest writes it, relative to the manifest's folder. */
  readonly assetPath: string;
  /** Whether the video must be written (copied, or saved from bytes) into the folder. */
  readonly copy: boolean;
  /** The manifest's target, checked (see `checkOutputTarget`). */
  readonly manifestTarget: OutputTarget;
  /** The copy's target, checked; present when `copy` is. */
  readonly videoTarget?: OutputTarget;
  /** The mesh data file's path as the manifest writes it, relative to the manifest's folder. */
  readonly meshAssetPath: string;
  /** Absolute path of the mesh data file. */
  readonly meshPath: string;
  /** The mesh data file's target, checked like the manifest's. */
  readonly meshTarget: OutputTarget;
}

/** The mesh data file's target beside the manifest, refused where it would replace the input. */
async function planMeshOutput(
  manifestPath: string,
  id: string,
  source: string | undefined,
  force: boolean,
): Promise<Pick<TemplateOutputPlan, 'meshAssetPath' | 'meshPath' | 'meshTarget'>> {
  const meshAssetPath = `${id}.mesh.bin`;
  const meshPath = path.join(path.dirname(manifestPath), meshAssetPath);
  if (meshPath === manifestPath) {
    throw new InvalidArgumentError('The manifest would overwrite the mesh data file; give the manifest a .json name.');
  }
  if (source !== undefined && (await realpath(meshPath).catch(() => meshPath)) === source) {
    throw new InvalidArgumentError('The mesh data file would overwrite the input video; choose another template id or folder.');
  }
  const meshTarget = await checkOutputTarget(meshPath, { subject: meshSubject, force });
  return { meshAssetPath, meshPath, meshTarget };
}

/**
 * Decide where everything goes, before any frame is decoded, so that a clash is reported in a
 * second rather than after the whole video was tracked. Writes nothing.
 *
 * The targets are checked as `checkOutputTarget` does: an existing manifest (or a different
 * file under the copy's name) is replaced only with `force`, and a link, folder or device is
 * never written.
 *
 * @throws `RenderFailedError` (stage `'decode'`) when the input is not an MP4, MOV or WebM file;
 * `InvalidArgumentError` when it cannot be opened, or when a different file already has the
 * name the copy would take (without `force`); `OutputWriteError` for a target that cannot be
 * written.
 * @internal
 */
export async function planTemplateOutput(
  video: Uint8Array | string,
  output: string,
  id: string,
  force = false,
): Promise<TemplateOutputPlan> {
  const extension = sniffVideoContainer(await readHead(video));
  if (extension === undefined) {
    throw new RenderFailedError('decode', undefined, { detail: 'not an MP4, MOV or WebM video file' });
  }
  const manifestPath = path.resolve(output);
  const folder = path.dirname(manifestPath);
  const realFolder = await realpath(folder).catch(() => folder);
  const source = typeof video === 'string' ? await realpath(video) : undefined;
  if (source !== undefined) {
    const relative = path.relative(realFolder, source).split(path.sep).join('/');
    if (path.resolve(realFolder, path.basename(manifestPath)) === source) {
      throw new InvalidArgumentError('The manifest would overwrite the input video; give the manifest a .json name.');
    }
    if (
      !relative.startsWith('../') &&
      !path.isAbsolute(relative) &&
      isSafeAssetPath(relative) &&
      relative.endsWith(`.${extension}`)
    ) {
      const manifestTarget = await checkOutputTarget(manifestPath, { subject: manifestSubject, force });
      const mesh = await planMeshOutput(manifestPath, id, source, force);
      return { manifestPath, videoPath: source, assetPath: relative, copy: false, manifestTarget, ...mesh };
    }
  }
  const assetPath = `${id}.${extension}`;
  const videoPath = path.join(folder, assetPath);
  if (videoPath === manifestPath) {
    throw new InvalidArgumentError('The manifest would overwrite the background video; give the manifest a .json name.');
  }
  const manifestTarget = await checkOutputTarget(manifestPath, { subject: manifestSubject, force });
  const mesh = await planMeshOutput(manifestPath, id, source, force);
  // lstat, not stat: a link or a pipe under the copy's name is refused, never followed or opened.
  const existing = await lstat(videoPath).catch(() => undefined);
  if (existing !== undefined) {
    if (existing.isSymbolicLink()) throw new OutputWriteError('symlink', videoSubject);
    if (!existing.isFile()) throw new OutputWriteError('not-a-file', videoSubject);
    if (await sameContent(video, videoPath)) return { manifestPath, videoPath, assetPath, copy: false, manifestTarget, ...mesh };
    if (!force) {
      throw new InvalidArgumentError(
        `A different file named ${assetPath} is already in the output folder; the background video ` +
          'would be copied there. Remove it, choose another template id, or pass --force to replace it.',
      );
    }
  }
  const videoTarget = await checkOutputTarget(videoPath, { subject: videoSubject, force });
  return { manifestPath, videoPath, assetPath, copy: true, manifestTarget, videoTarget, ...mesh };
}

const manifestSubject = 'template manifest';
const videoSubject = 'background video';
const meshSubject = 'mesh data file';

/** Byte-for-byte comparison, a chunk at a time so that memory stays flat for long videos. */
async function sameContent(video: Uint8Array | string, file: string): Promise<boolean> {
  const chunk = 1 << 20;
  const b = await open(file, 'r');
  try {
    const size = (await b.stat()).size;
    if (video instanceof Uint8Array) {
      if (size !== video.byteLength) return false;
      const buffer = new Uint8Array(chunk);
      for (let offset = 0; offset < size; offset += chunk) {
        const { bytesRead } = await b.read(buffer, 0, chunk, offset);
        if (!equalBytes(buffer.subarray(0, bytesRead), video.subarray(offset, offset + bytesRead))) return false;
      }
      return true;
    }
    const a = await open(video, 'r');
    try {
      if ((await a.stat()).size !== size) return false;
      const bufferA = new Uint8Array(chunk);
      const bufferB = new Uint8Array(chunk);
      for (let offset = 0; offset < size; offset += chunk) {
        const readA = await a.read(bufferA, 0, chunk, offset);
        const readB = await b.read(bufferB, 0, chunk, offset);
        if (readA.bytesRead !== readB.bytesRead) return false;
        if (!equalBytes(bufferA.subarray(0, readA.bytesRead), bufferB.subarray(0, readB.bytesRead))) return false;
      }
      return true;
    } finally {
      await a.close();
    }
  } finally {
    await b.close();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Copies a file into the output a chunk at a time, so memory stays flat for a long video. */
function copyOf(source: string): OutputChunkWriter {
  return async (write) => {
    const input = await open(source, 'r');
    try {
      const chunk = new Uint8Array(1 << 20);
      for (;;) {
        const { bytesRead } = await input.read(chunk, 0, chunk.byteLength, null);
        if (bytesRead === 0) return;
        await write(chunk.subarray(0, bytesRead));
      }
    } finally {
      await input.close();
    }
  };
}

/**
 * Write the background video (when the plan says so), the mesh data file (when given) and then
 * the manifest, each with `writeOutputFile`: it lands under its final name only when complete
 * (mode 0600), a failed write leaves no partial file, and a link, folder or device is never
 * replaced. When a later file cannot be written, the files this call wrote before it are
 * removed again, so a failure leaves the folder as it was.
 *
 * @throws `OutputWriteError`.
 * @internal
 */
export async function commitTemplateOutput(
  plan: TemplateOutputPlan,
  video: Uint8Array | string,
  manifestJson: string,
  meshData?: Uint8Array,
): Promise<void> {
  const written: { file: string; target: OutputTarget }[] = [];
  try {
    if (plan.copy && plan.videoTarget) {
      await writeOutputFile(plan.videoTarget, video instanceof Uint8Array ? video : copyOf(video));
      written.push({ file: plan.videoPath, target: plan.videoTarget });
    }
    if (meshData !== undefined) {
      await writeOutputFile(plan.meshTarget, meshData);
      written.push({ file: plan.meshPath, target: plan.meshTarget });
    }
    await writeOutputFile(plan.manifestTarget, new TextEncoder().encode(manifestJson));
  } catch (error) {
    for (const { file, target } of written.reverse()) {
      await unlink(file).catch(() => undefined);
      // Folders the write created are empty again (a folder still in use stays).
      for (const folder of [...target.missingFolders].reverse()) await rmdir(folder).catch(() => undefined);
    }
    throw error;
  }
}
