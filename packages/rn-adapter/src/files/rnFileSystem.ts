/**
 * The file operations the SDK needs on a phone, by `file://` URI. Synchronous where
 * `expo-file-system`'s `File`/`Directory` classes are, so that deleting can happen inside a
 * purge, which cannot wait.
 *
 * {@link expoFileSystem} implements it over `expo-file-system`; {@link createFakeFileSystem}
 * in memory for tests.
 *
 * @public
 */
export interface RNFileSystem {
  /** The app's cache directory, a `file://` URI ending in `/`. */
  readonly cacheDirectory: string;
  /** The whole file. Rejects when it is missing or unreadable. */
  readBytes(uri: string): Promise<Uint8Array>;
  /** Create or replace a file. Rejects when its folder is missing. */
  writeBytes(uri: string, bytes: Uint8Array): Promise<void>;
  /** Whether a file or folder exists at `uri`. */
  exists(uri: string): boolean;
  /** Delete a file. Throws when it does not exist or cannot be deleted. */
  deleteFile(uri: string): void;
  /** Create a folder and any missing parents; nothing happens when it exists. */
  makeDirectory(uri: string): void;
  /** The URIs of the files directly inside a folder (sub-folders' URIs end in `/`). */
  list(directoryUri: string): string[];
  /** Delete a folder and everything in it. */
  deleteDirectory(uri: string): void;
}

/** `parent` + `name`, with exactly one slash between. @internal */
export function joinUri(parent: string, name: string): string {
  return `${parent.endsWith('/') ? parent : `${parent}/`}${name}`;
}

/** Whether `uri` lies inside the folder `directoryUri`. @internal */
export function isInside(uri: string, directoryUri: string): boolean {
  const folder = directoryUri.endsWith('/') ? directoryUri : `${directoryUri}/`;
  // A path with `..` could leave the folder while keeping its prefix: never treated as inside.
  return uri.startsWith(folder) && uri.length > folder.length && !uri.split('/').includes('..');
}
