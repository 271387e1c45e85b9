import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from './encodingTestKit';

// Runs in a plain Node child, where nothing else holds the event loop: @napi-rs/webcodecs'
// decoder does not, and without the SDK's hold Node exits mid-decode with code 13.
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const tsx = resolve(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
let temp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  temp = await tempDir();
});
afterAll(async () => {
  await temp?.remove();
});

function runChild(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=@vopop/source', '--import', tsx, script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

it('a plain Node process encodes and then decodes every frame before exiting', async () => {
  const adapter = resolve(here, '..');
  const script = await temp.file(
    'roundtrip.mts',
    new TextEncoder().encode(`
      import { EphemeralScope } from ${JSON.stringify(resolve(repoRoot, 'packages', 'core', 'src', 'index.ts'))};
      import { createNodeVideoEncoder } from ${JSON.stringify(`${adapter}/encode/nodeVideoEncoder.ts`)};
      import { decodeVideoFile } from ${JSON.stringify(`${adapter}/templates/decodeVideoFile.ts`)};
      const scope = new EphemeralScope({ label: 'child' });
      const session = await (await createNodeVideoEncoder()).open({ width: 256, height: 256, fps: 30, codec: 'avc' }, scope);
      const frame = new Uint8Array(256 * 256 * 4).map((_, i) => (i * 13) & 255);
      for (let i = 0; i < 90; i++) await session.addFrame(frame);
      const video = await session.finish();
      // Two passes: without the hold, Node exits (code 13) during the first once a video has more
      // than about 50 frames; 90 is well past that.
      const counts = [];
      for (let pass = 0; pass < 2; pass++) {
        let frames = 0;
        const info = await decodeVideoFile(video.bytes.value, { onFrame: () => { frames++; } });
        counts.push([frames, info.frameCount]);
      }
      scope.purge();
      process.stdout.write(JSON.stringify(counts));
    `),
  );
  const { code, stdout, stderr } = await runChild(script);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual(Array(2).fill([90, 90]));
});
