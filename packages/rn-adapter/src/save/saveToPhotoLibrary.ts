import type { EphemeralHandle } from '@vopop/core';
import { OutputWriteError } from '@vopop/core';
import { PermissionDeniedError } from '../errors/permissionDeniedError';
import type { RNFileSystem } from '../files/rnFileSystem';
import { joinUri } from '../files/rnFileSystem';
import { sdkFolderName } from '../files/sweepCache';
import type { MediaLibraryModule } from './mediaLibraryModule';

/**
 * What to save.
 *
 * @public
 */
export interface VideoToSave {
  /** The generation's video handle; it stays the caller's (dispose it afterwards). */
  readonly video: EphemeralHandle<Uint8Array>;
  /** `'mp4'` or `'webm'`: the library needs the right extension. */
  readonly container: 'mp4' | 'webm';
}

function randomName(): string {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Add the video to the photo library, only because the person asked to: the SDK never calls
 * this on its own. Add-only permission is asked at this moment (`writeOnly`); a refusal is a
 * {@link PermissionDeniedError} and nothing is written.
 *
 * The library takes a file, so the video is written to `<cache>/vopop/<random>.<ext>` for the
 * copy and deleted afterwards on every path (a killed app's leftover is swept at the next start).
 *
 * @public
 */
export async function saveToPhotoLibrary(files: RNFileSystem, library: MediaLibraryModule, toSave: VideoToSave): Promise<void> {
  const bytes = toSave.video.value; // PurgedError when the video is already disposed
  const permission = await library.requestPermissionsAsync(true, ['video']);
  if (!permission.granted) throw new PermissionDeniedError('photo-library-add', permission.canAskAgain ?? true);
  const folder = joinUri(files.cacheDirectory, `${sdkFolderName}/`);
  const uri = joinUri(folder, `${randomName()}.${toSave.container}`);
  try {
    files.makeDirectory(folder);
    await files.writeBytes(uri, bytes);
    await library.saveToLibraryAsync(uri);
  } catch (error) {
    throw new OutputWriteError('failed', 'video', error instanceof Error ? error.name : undefined);
  } finally {
    if (files.exists(uri)) files.deleteFile(uri);
  }
}
