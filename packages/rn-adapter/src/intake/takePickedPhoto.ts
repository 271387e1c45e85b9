import type { Clock, PurgeReceipt, Wiper } from '@vopop/core';
import { EphemeralScope, InputFileError } from '@vopop/core';
import type { RNFileSystem } from '../files/rnFileSystem';
import { isInside } from '../files/rnFileSystem';

/**
 * A picked photo, read into memory the SDK owns.
 *
 * @public
 */
export interface PickedPhoto {
  /**
   * The photo file's bytes. Pass them to `generateVideo` as they are: it takes ownership and
   * zero-fills them when the generation ends.
   */
  readonly bytes: Uint8Array;
  /**
   * The intake's receipt. When the picker left a copy in the app's cache, it lists that file
   * (kind `temp-file`, label `picked-photo.cache`, method `delete`) as deleted.
   */
  readonly receipt: PurgeReceipt;
  /** Whether the photo was a copy in the app's cache, now deleted. */
  readonly deletedCachedCopy: boolean;
}

interface CachedFile {
  readonly uri: string;
  size: number;
}

function cachedFileWiper(files: RNFileSystem): Wiper<CachedFile> {
  return {
    name: 'rn-cached-file',
    matches: (value): value is CachedFile => typeof (value as CachedFile | null)?.uri === 'string',
    measure: (file) => file.size,
    wipe: (file) => {
      if (files.exists(file.uri)) files.deleteFile(file.uri);
      if (files.exists(file.uri)) throw new Error('the cached copy is still there after its deletion');
      // A deleted file cannot be re-read: nothing to verify beyond its absence, checked above.
      return { method: 'delete', bytes: file.size, verified: null };
    },
  };
}

/**
 * Read a picked photo by its `file://` URI, then delete the copy the picker left in the app's
 * cache (`expo-image-picker` copies every pick into `<cache>/ImagePicker/`). A URI outside the
 * app's cache (a file the app did not make) is read and left alone.
 *
 * The cached copy is deleted on every path: after a successful read, and when the read fails
 * (`InputFileError`, problem `unreadable`), so a failed intake leaves nothing behind either.
 *
 * @public
 */
export async function takePickedPhoto(files: RNFileSystem, uri: string, options: { clock?: Clock } = {}): Promise<PickedPhoto> {
  const cached = isInside(uri, files.cacheDirectory);
  const scope = new EphemeralScope({ label: 'intake', ...(options.clock ? { clock: options.clock } : {}) });
  const file: CachedFile = { uri, size: 0 };
  if (cached) scope.hold(file, { kind: 'temp-file', label: 'picked-photo.cache', wiper: cachedFileWiper(files) });
  let bytes: Uint8Array;
  try {
    bytes = await files.readBytes(uri);
  } catch (error) {
    scope.purge();
    // The library's message names the file; only its kind of failure is kept.
    throw new InputFileError('unreadable', 'photo', { systemCode: error instanceof Error ? error.name : 'read failed' });
  }
  file.size = bytes.byteLength;
  let receipt: PurgeReceipt;
  try {
    receipt = scope.purge();
  } catch (error) {
    // The copy could not be deleted: the bytes read are wiped too, and the app hears why.
    bytes.fill(0);
    throw error;
  }
  return { bytes, receipt, deletedCachedCopy: cached };
}
