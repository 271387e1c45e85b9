import { realpathSync } from 'node:fs';
import type { DecodedVideoInfo, TemplateAssets, VideoFrameCallback } from '@vopop/core';
import { AbortedError, photoDecodeLimits } from '@vopop/core';
import { decodeVideoFile } from './decodeVideoFile';
import { readCappedFile, resolveInFolder } from './templateFolderFiles';

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
   * The whole file at `path`: a background image, or a mesh track's data file. Files are capped
   * at the decoders' default file size (larger than the largest mesh data file, 20.6 MB), so a
   * huge file in a template folder is refused before it is read into memory.
   */
  async read(path: string, field: string, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const noun = field.startsWith('faceTrack.') ? 'the mesh data file' : 'the background image';
    const file = await resolveInFolder(this.#folder, path, field, noun);
    return readCappedFile(file, { maxBytes: photoDecodeLimits.maxBytes, field, noun, signal });
  }

  /** Decode the video at `path` with `decodeVideoFile`, reading it in ranges from disk. */
  async decodeVideo(
    path: string,
    field: string,
    onFrame: VideoFrameCallback,
    signal: AbortSignal,
  ): Promise<DecodedVideoInfo> {
    if (signal.aborted) throw new AbortedError(signal.reason);
    const file = await resolveInFolder(this.#folder, path, field, 'the background video');
    return decodeVideoFile(file, { onFrame }, signal);
  }
}
