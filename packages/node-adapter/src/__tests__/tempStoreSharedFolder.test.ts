import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EphemeralScope } from '@vopop/core';
import { createNodePlatform } from '../nodePlatform';

// Two platforms in one process share one temp folder (the default one, or the same
// `tempDirectory`), as the in-process CLI and an app's own platform do. Disposing one removes
// the folder when it is empty (`removeIfEmpty`); the other must still write there afterwards,
// into a folder made again with the same checks as at start (this user's, mode 0700).

let directory: string;
beforeEach(() => {
  directory = join(mkdtempSync(join(tmpdir(), 'vopop-shared-')), 'store');
});
afterEach(() => rmSync(dirname(directory), { recursive: true, force: true }));

it('a platform writes temp files after another platform on the same folder was disposed', async () => {
  const first = await createNodePlatform({ tempDirectory: directory });
  const second = await createNodePlatform({ tempDirectory: directory });
  try {
    await first[Symbol.asyncDispose]();
    expect(existsSync(directory), 'the first dispose removes the empty folder').toBe(false);

    const scope = new EphemeralScope({ label: 'after-dispose' });
    const file = second.tempStore.write(scope, 'encoded.video', Uint8Array.of(1, 2, 3));
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(file.value.path).mode & 0o777).toBe(0o600);
    const receipt = scope.purge();
    expect(receipt.totals).toMatchObject({ wiped: 1, verified: 1, failed: 0 });
    expect(readdirSync(directory)).toEqual([]);
  } finally {
    await second[Symbol.asyncDispose]();
  }
  expect(existsSync(directory), 'the last dispose removes it again').toBe(false);
});
