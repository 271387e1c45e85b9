import type { RNFileSystem } from './rnFileSystem';

/**
 * The parts of `expo-file-system` (v19 and later: the `File`, `Directory` and `Paths` classes)
 * that {@link expoFileSystem} uses. Pass the module itself:
 * `expoFileSystem(await import('expo-file-system'))` or `import * as FileSystem from 'expo-file-system'`.
 *
 * @public
 */
export interface ExpoFileSystemModule {
  readonly Paths: { readonly cache: { readonly uri: string } };
  readonly File: new (uri: string) => {
    readonly exists: boolean;
    bytes(): Promise<Uint8Array>;
    write(content: Uint8Array): unknown;
    delete(): void;
  };
  readonly Directory: new (uri: string) => {
    readonly exists: boolean;
    create(options?: { intermediates?: boolean; idempotent?: boolean }): void;
    list(): { readonly uri: string }[];
    delete(): void;
  };
}

/**
 * {@link RNFileSystem} over `expo-file-system`'s object API. The SDK's own files (a video on
 * its way into the photo library) live in `<cache>/vopop/`; nothing is written anywhere else.
 *
 * @public
 */
export function expoFileSystem(module: ExpoFileSystemModule): RNFileSystem {
  const { File, Directory, Paths } = module;
  const cache = Paths.cache.uri;
  return {
    cacheDirectory: cache.endsWith('/') ? cache : `${cache}/`,
    readBytes: (uri) => new File(uri).bytes(),
    writeBytes: async (uri, bytes) => {
      await new File(uri).write(bytes);
    },
    exists: (uri) => (uri.endsWith('/') ? new Directory(uri).exists : new File(uri).exists || new Directory(uri).exists),
    deleteFile: (uri) => new File(uri).delete(),
    makeDirectory: (uri) => new Directory(uri).create({ intermediates: true, idempotent: true }),
    list: (uri) => new Directory(uri).list().map((entry) => entry.uri),
    deleteDirectory: (uri) => new Directory(uri).delete(),
  };
}
