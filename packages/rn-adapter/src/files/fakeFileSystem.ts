import type { RNFileSystem } from './rnFileSystem';

/**
 * Which operations of a {@link FakeFileSystem} fail, by URI, the way the real one fails: a
 * read that rejects (a file the app may no longer read), a delete that throws (a file in use).
 *
 * @public
 */
export interface FakeFileSystemFailures {
  read?: (uri: string) => boolean;
  write?: (uri: string) => boolean;
  delete?: (uri: string) => boolean;
}

/**
 * An in-memory {@link RNFileSystem} for tests, with the same rules as `expo-file-system`:
 * reading or deleting a missing file fails, writing needs an existing folder, listing a
 * missing folder fails. Writes keep their own copy of the bytes.
 *
 * @public
 */
export interface FakeFileSystem extends RNFileSystem {
  /** Every file URI that exists now, sorted. */
  files(): string[];
  /** The stored copy of a file (the test's view of the "disk"). */
  contents(uri: string): Uint8Array | undefined;
  /** Change which operations fail. */
  readonly failures: FakeFileSystemFailures;
}

class FakeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FakeFileError';
  }
}

function parentOf(uri: string): string {
  const trimmed = uri.endsWith('/') ? uri.slice(0, -1) : uri;
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
}

/**
 * Create a {@link FakeFileSystem} whose cache directory (default `file:///data/app/cache/`)
 * exists and is empty.
 *
 * @public
 */
export function createFakeFileSystem(options: { cacheDirectory?: string } = {}): FakeFileSystem {
  const cacheDirectory = options.cacheDirectory ?? 'file:///data/app/cache/';
  const files = new Map<string, Uint8Array>();
  const folders = new Set<string>([cacheDirectory]);
  const failures: FakeFileSystemFailures = {};
  const folderOf = (uri: string) => (uri.endsWith('/') ? uri : `${uri}/`);

  return {
    cacheDirectory,
    failures,
    files: () => [...files.keys()].sort(),
    contents: (uri) => files.get(uri),
    async readBytes(uri) {
      if (failures.read?.(uri)) throw new FakeFileError('Unable to read the file: permission denied');
      const stored = files.get(uri);
      if (!stored) throw new FakeFileError('File does not exist');
      return stored.slice();
    },
    async writeBytes(uri, bytes) {
      if (failures.write?.(uri)) throw new FakeFileError('Unable to write the file: no space left');
      if (!folders.has(parentOf(uri))) throw new FakeFileError('The parent folder does not exist');
      files.set(uri, bytes.slice());
    },
    exists: (uri) => files.has(uri) || folders.has(folderOf(uri)),
    deleteFile(uri) {
      if (failures.delete?.(uri)) throw new FakeFileError('Unable to delete the file');
      if (!files.delete(uri)) throw new FakeFileError('File does not exist');
    },
    makeDirectory(uri) {
      let folder = folderOf(uri);
      while (folder.length > 'file:///'.length && !folders.has(folder)) {
        folders.add(folder);
        folder = parentOf(folder);
      }
    },
    list(directoryUri) {
      const folder = folderOf(directoryUri);
      if (!folders.has(folder)) throw new FakeFileError('Directory does not exist');
      const direct = (uri: string) => uri.startsWith(folder) && uri !== folder && !uri.slice(folder.length, -1).includes('/');
      return [...[...files.keys()].filter(direct), ...[...folders].filter(direct)].sort();
    },
    deleteDirectory(directoryUri) {
      const folder = folderOf(directoryUri);
      if (!folders.has(folder)) throw new FakeFileError('Directory does not exist');
      for (const uri of [...files.keys()]) {
        if (uri.startsWith(folder)) {
          if (failures.delete?.(uri)) throw new FakeFileError('Unable to delete the file');
          files.delete(uri);
        }
      }
      for (const sub of [...folders]) if (sub.startsWith(folder)) folders.delete(sub);
    },
  };
}
