import type { RNFileSystem } from './rnFileSystem';
import { joinUri } from './rnFileSystem';

/**
 * The folder, inside the app's cache, that holds every file the SDK writes.
 *
 * @internal
 */
export const sdkFolderName = 'vopop';

/**
 * Folders inside the app's cache where photo pickers leave their copy of a picked photo:
 * `expo-image-picker` copies every pick into `<cache>/ImagePicker/`. A photo waiting there is
 * personal data that the app no longer needs once the SDK has read it.
 *
 * @public
 */
export const defaultPickerCacheFolders: readonly string[] = ['ImagePicker'];

/**
 * What the start-up sweep removed.
 *
 * @public
 */
export interface CacheSweep {
  /** Files the SDK wrote that a killed app left in `<cache>/vopop/`. */
  readonly sdkFiles: number;
  /** Picked photos left in the picker folders. */
  readonly pickedPhotos: number;
  /** Files that could not be deleted (left for the next start). */
  readonly failed: number;
}

function deleteAll(files: RNFileSystem, folder: string): { deleted: number; failed: number } {
  let deleted = 0;
  let failed = 0;
  if (!files.exists(folder)) return { deleted, failed };
  for (const uri of files.list(folder)) {
    if (uri.endsWith('/')) {
      const inner = deleteAll(files, uri);
      deleted += inner.deleted;
      failed += inner.failed;
      continue;
    }
    try {
      files.deleteFile(uri);
      deleted++;
    } catch {
      failed++;
    }
  }
  return { deleted, failed };
}

/**
 * Delete what an earlier run left in the cache (P6): everything in the SDK's folder, and the
 * picked photos in `pickerFolders`. Runs when the platform is created, before any photo is read.
 *
 * @internal
 */
export function sweepCache(files: RNFileSystem, pickerFolders: readonly string[]): CacheSweep {
  const sdk = deleteAll(files, joinUri(files.cacheDirectory, `${sdkFolderName}/`));
  let pickedPhotos = 0;
  let failed = sdk.failed;
  for (const name of pickerFolders) {
    const picker = deleteAll(files, joinUri(files.cacheDirectory, `${name}/`));
    pickedPhotos += picker.deleted;
    failed += picker.failed;
  }
  return { sdkFiles: sdk.deleted, pickedPhotos, failed };
}
