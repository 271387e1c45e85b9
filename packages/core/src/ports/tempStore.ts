import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';

/**
 * A private temporary file holding personal data. Only ever held in an ephemeral handle of kind
 * `'temp-file'`, whose wiper overwrites the file with zeros, checks them and deletes it.
 *
 * @public
 */
export interface TempFile {
  /** Absolute path, in a directory only this user can read. */
  readonly path: string;
  /** Bytes written. */
  readonly size: number;
}

/**
 * Where a platform keeps files when a stage needs one (P6: no disk residue).
 *
 * @public
 */
export interface TempStore {
  /** Write `bytes` to a new private file owned by `scope`. */
  write(scope: EphemeralScope, label: string, bytes: Uint8Array): EphemeralHandle<TempFile>;
  /**
   * Overwrite and delete files left behind by processes that ended without purging (a crash, a
   * kill). Returns how many were removed. Adapters call it when they start.
   */
  sweep(): number;
}
