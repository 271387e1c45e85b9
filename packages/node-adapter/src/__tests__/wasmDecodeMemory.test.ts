/**
 * A decoder sandbox's linear memory (as large as the decoded photo, and more) must become
 * garbage once the sandbox is dropped: the Emscripten glue's own `ImageData` stand-in used to
 * keep the first runtime of the process reachable, and with it 170 MB of (wiped) memory after a
 * 40-megapixel JPEG, for the life of the process. Each case runs in a fresh child process,
 * because only the first runtime of a process was affected.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { facesDir, repoRoot } from './detectTestKit';

const child = join(repoRoot, 'packages/node-adapter/src/__tests__/support/sandboxMemoryChild.ts');

function reachableMemories(mode: 'fixed' | 'glue-stand-in'): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', '--conditions=@vopop/source', '--import', 'tsx', child, mode, join(facesDir, 'portrait_small.jpg')],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== 0) reject(new Error(`sandbox memory child exited ${code}: ${stderr}`));
      else resolve((JSON.parse(stdout) as { reachable: boolean[] }).reachable);
    });
  });
}

describe('wasm decoder sandbox memory', () => {
  it('is collectable after every decode, the first of the process included', async () => {
    expect(await reachableMemories('fixed')).toEqual([false, false]);
  }, 60_000);

  it('mutant: with the glue defining its own ImageData stand-in, the first memory stays reachable', async () => {
    expect(await reachableMemories('glue-stand-in')).toEqual([true, false]);
  }, 60_000);
});
