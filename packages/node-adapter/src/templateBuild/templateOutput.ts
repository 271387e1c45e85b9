import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, isSafeAssetPath, RenderFailedError } from '@vopop/core';

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
 * Where a build writes: the manifest, and the background video (the input itself when it
 * already lies in the manifest's folder under a usable name, otherwise a copy named after the
 * template id).
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
}

/**
 * Decide where everything goes, before any frame is decoded, so that a clash is reported in a
 * second rather than after the whole video was tracked. Writes nothing.
 *
 * @throws `RenderFailedError` (stage `'decode'`) when the input is not an MP4, MOV or WebM file;
 * `InvalidArgumentError` when it cannot be opened, or when a different file already has the
 * name the copy would take.
 * @internal
 */
export async function planTemplateOutput(
  video: Uint8Array | string,
  output: string,
  id: string,
): Promise<TemplateOutputPlan> {
  const extension = sniffVideoContainer(await readHead(video));
  if (extension === undefined) {
    throw new RenderFailedError('decode', undefined, { detail: 'not an MP4, MOV or WebM video file' });
  }
  const manifestPath = path.resolve(output);
  const folder = path.dirname(manifestPath);
  const realFolder = await realpath(folder).catch(() => folder);
  if (typeof video === 'string') {
    const source = await realpath(video);
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
      return { manifestPath, videoPath: source, assetPath: relative, copy: false };
    }
  }
  const assetPath = `${id}.${extension}`;
  const videoPath = path.join(folder, assetPath);
  if (videoPath === manifestPath) {
    throw new InvalidArgumentError('The manifest would overwrite the background video; give the manifest a .json name.');
  }
  if (await exists(videoPath)) {
    if (!(await sameContent(video, videoPath))) {
      throw new InvalidArgumentError(
        `A different file named ${assetPath} is already in the output folder; the background video ` +
          'would be copied there. Remove it, or choose another template id.',
      );
    }
    return { manifestPath, videoPath, assetPath, copy: false };
  }
  return { manifestPath, videoPath, assetPath, copy: true };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

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

function temporaryName(final: string): string {
  return path.join(path.dirname(final), `.${path.basename(final)}.${randomBytes(6).toString('hex')}.partial`);
}

/** Write through a temporary name in the same folder and rename, so no half file ever appears. */
async function writeAtomically(final: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = temporaryName(final);
  try {
    await write(temporary);
    await rename(temporary, final);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Write the background video (when the plan says so) and then the manifest. Each lands under
 * its final name only when complete; when the manifest cannot be written, a video copied by
 * this call is removed again, so a failure leaves the folder as it was (bar a created folder).
 *
 * @internal
 */
export async function commitTemplateOutput(
  plan: TemplateOutputPlan,
  video: Uint8Array | string,
  manifestJson: string,
): Promise<void> {
  try {
    await mkdir(path.dirname(plan.manifestPath), { recursive: true });
    if (plan.copy) {
      await writeAtomically(plan.videoPath, (temporary) =>
        video instanceof Uint8Array ? writeFile(temporary, video, { flag: 'wx' }) : copyFile(video, temporary),
      );
    }
  } catch (error) {
    throw writeError('background video', error);
  }
  try {
    await writeAtomically(plan.manifestPath, (temporary) => writeFile(temporary, manifestJson, { flag: 'wx' }));
  } catch (error) {
    if (plan.copy) await unlink(plan.videoPath).catch(() => undefined);
    throw writeError('manifest', error);
  }
}

function writeError(what: string, cause: unknown): InvalidArgumentError {
  // Paths stay out of the message (they may name a person); the errno code says enough.
  const code = (cause as NodeJS.ErrnoException | null)?.code ?? 'error';
  const error = new InvalidArgumentError(
    `The template's ${what} could not be written (${code}); check that the output path is a writable ` +
      'folder with free space, and that no folder has the manifest\'s name.',
  );
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}
