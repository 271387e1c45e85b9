import { realpathSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { DecodedVideoInfo, TemplateAssets, VideoFrameCallback } from '@vopop/core';
import { AbortedError, TemplateInvalidError, photoDecodeLimits } from '@vopop/core';
import { decodeVideoFile } from '../video/decodeVideoFile';

function invalid(path: string, message: string, cause?: unknown): TemplateInvalidError {
  const issues = [{ path, message }];
  return cause === undefined ? new TemplateInvalidError(issues) : new TemplateInvalidError(issues, { cause });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * The files of a template loaded from disk (`loadTemplateFile`): every path is resolved with
 * `realpath` inside the manifest's folder, so a symlink (or a symlinked folder) cannot lead the
 * renderer out of it, even one swapped in after the template was loaded.
 *
 * @public
 */
export class NodeTemplateAssets implements TemplateAssets {
  readonly #folder: string;

  /** @param folder - the folder that holds the template's manifest (`LoadedTemplate.folder`). */
  constructor(folder: string) {
    this.#folder = realpathSync(folder);
  }

  /**
   * The whole image file at `path`. Images are capped at the decoders' default file size, so a
   * huge file in a template folder is refused before it is read into memory.
   */
  async read(path: string, field: string, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const file = await this.#resolve(path, field, 'the background image');
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw invalid(field, `the background image could not be opened (${errorCode(error)})`, error);
    }
    try {
      // Type and size from the opened descriptor, not the name, so a swap cannot slip past.
      const stats = await handle.stat();
      if (!stats.isFile()) throw invalid(field, 'the background image is not a regular file');
      if (stats.size > photoDecodeLimits.maxBytes) {
        throw invalid(field, `the background image is larger than ${photoDecodeLimits.maxBytes} bytes`);
      }
      const bytes = await handle.readFile(signal ? { signal } : {});
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (signal?.aborted) throw new AbortedError(signal.reason);
      if (error instanceof TemplateInvalidError) throw error;
      throw invalid(field, `the background image could not be read (${errorCode(error)})`, error);
    } finally {
      await handle.close();
    }
  }

  /** Decode the video at `path` with `decodeVideoFile`, reading it in ranges from disk. */
  async decodeVideo(
    path: string,
    field: string,
    onFrame: VideoFrameCallback,
    signal: AbortSignal,
  ): Promise<DecodedVideoInfo> {
    if (signal.aborted) throw new AbortedError(signal.reason);
    const file = await this.#resolve(path, field, 'the background video');
    return decodeVideoFile(file, { onFrame }, signal);
  }

  /** The real path of `path`, which must exist inside the folder. */
  async #resolve(path: string, field: string, what: string): Promise<string> {
    let file: string;
    try {
      file = await realpath(join(this.#folder, path));
    } catch {
      throw invalid(field, `${what} is missing next to the manifest`);
    }
    if (!file.startsWith(this.#folder + sep)) throw invalid(field, `${what} lies outside the template folder`);
    return file;
  }
}
