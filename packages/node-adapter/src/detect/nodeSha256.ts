import { createHash } from 'node:crypto';
import type { Sha256Function } from '@vopop/core';

/**
 * SHA-256 through `node:crypto`, in the shape the core detector takes.
 *
 * @public
 */
export const nodeSha256: Sha256Function = async (bytes) =>
  new Uint8Array(createHash('sha256').update(bytes).digest());
