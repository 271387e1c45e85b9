/**
 * A model file the SDK may load, with the size and SHA-256 it must have. Structurally the same
 * as `@vopop/models`' manifest entries, so its `modelManifest` can be passed as is, without
 * core depending on that package.
 *
 * @public
 */
export interface PinnedModelFile {
  /** File name, as referenced by a graph's `weightsManifest`. */
  readonly name: string;
  /** Exact size in bytes. */
  readonly bytes: number;
  /** SHA-256, lowercase hex. */
  readonly sha256: string;
}

/**
 * Where model bytes come from, and what they must hash to. The adapter supplies it: Node reads
 * `@vopop/models`' files from disk, a browser fetches them from the app's own origin, React
 * Native reads bundled assets. The detector verifies every byte it gets against `pinned` before
 * tfjs sees it, so a source is trusted for availability only, never for content.
 *
 * @public
 */
export interface ModelBytesSource {
  /** Every file that may be loaded, with its pinned size and hash. */
  readonly pinned: readonly PinnedModelFile[];
  /** The bytes of one pinned file. May reject (missing file); the detector reports that. */
  read(name: string, options?: { readonly signal?: AbortSignal }): Promise<Uint8Array>;
}

/**
 * SHA-256 of `bytes`, as 32 raw bytes. Injected because core is platform-free: Node passes
 * `node:crypto`, browsers `crypto.subtle.digest('SHA-256', …)`.
 *
 * @public
 */
export type Sha256Function = (bytes: Uint8Array) => Promise<Uint8Array>;
