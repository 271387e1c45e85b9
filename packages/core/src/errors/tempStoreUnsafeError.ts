import { VopopError } from './vopopError';

/**
 * What made a temp directory unsafe to use.
 * - `symlink`: the path is a symbolic link (it could lead anywhere).
 * - `not-a-directory`: something other than a directory is in its place.
 * - `wrong-owner`: another user owns it, so they could plant or read files in it.
 * - `wrong-mode`: its permissions are not exactly `0700` (owner only).
 *
 * @public
 */
export type TempStoreProblem = 'symlink' | 'not-a-directory' | 'wrong-owner' | 'wrong-mode';

const explanations: Record<TempStoreProblem, string> = {
  symlink: 'is a symbolic link',
  'not-a-directory': 'is not a directory',
  'wrong-owner': 'belongs to another user',
  'wrong-mode': 'can be read or changed by other users (its mode is not 0700)',
};

/**
 * Thrown when the private directory for temp files cannot be trusted: someone else owns it, it
 * is a symbolic link or not a directory, or other users can get into it. Another local user
 * could have planted it to read personal data or to make the start-up sweep overwrite files
 * elsewhere, so nothing in it is read, written or deleted. Remove it (as its owner) or point the
 * store at a private directory of your own (`tempDirectory`, or `TMPDIR` for the default).
 *
 * The directory is a field, not part of the message.
 *
 * @public
 */
export class TempStoreUnsafeError extends VopopError {
  readonly code = 'TEMP_STORE_UNSAFE' as const;

  constructor(
    /** What was wrong with the directory. */
    readonly problem: TempStoreProblem,
    /** The directory that was refused. */
    readonly directory: string,
  ) {
    super(
      `The temp directory ${explanations[problem]}, so it was left untouched. Remove it, or choose ` +
        'a private directory of your own (tempDirectory, or TMPDIR for the default location).',
    );
    this.name = 'TempStoreUnsafeError';
  }
}
