import type { RNFileSystem } from '../files/rnFileSystem';
import type { MediaLibraryModule } from './mediaLibraryModule';

/**
 * An in-memory stand-in for `expo-media-library`, for tests: it answers the permission request
 * as told, and "saves" by copying the file's bytes from the file system (failing, like the real
 * one, when the file is missing or saving is not allowed).
 *
 * @public
 */
export interface FakeMediaLibrary extends MediaLibraryModule {
  /** What the person answers: `'granted'`, `'denied'` (may ask again) or `'blocked'`. */
  answer: 'granted' | 'denied' | 'blocked';
  /** Whether the permission request asked for add-only access, per request. */
  readonly requests: { writeOnly: boolean }[];
  /** The videos in the library. */
  readonly saved: Uint8Array[];
}

/**
 * Create a {@link FakeMediaLibrary} that reads files through `files`.
 *
 * @public
 */
export function createFakeMediaLibrary(files: RNFileSystem): FakeMediaLibrary {
  const library: FakeMediaLibrary = {
    answer: 'granted',
    requests: [],
    saved: [],
    async requestPermissionsAsync(writeOnly = false) {
      library.requests.push({ writeOnly });
      return { granted: library.answer === 'granted', canAskAgain: library.answer !== 'blocked' };
    },
    async saveToLibraryAsync(localUri) {
      if (library.answer !== 'granted') throw new Error('Missing MEDIA_LIBRARY write permission.');
      if (!/\.(mp4|webm|mov)$/.test(localUri)) throw new Error('This file type is not supported yet');
      library.saved.push(await files.readBytes(localUri));
    },
  };
  return library;
}
