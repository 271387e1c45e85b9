import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import type { ListeningRenderServer, ReceiptSigner } from '@vopop/render-server';
import { generateCommand } from '../generateCommand';
import { facesDir } from '../../../../fixtures/faces/facesDir';
import { tinyTemplate } from '../../../render-server/src/__tests__/support/remoteTestKit';

const apiKey = 'cli-key-0123456789abcdef';
const work = mkdtempSync(join(tmpdir(), 'vopop-cli-remote-'));
let platform: NodePlatform;
let signer: ReceiptSigner;
let server: ListeningRenderServer;

beforeAll(async () => {
  platform = await createNodePlatform();
  signer = await createReceiptSigner();
  server = await listenRenderServer(createRenderServer({ platform, signer, apiKeys: { [apiKey]: 'cli' }, templates: [tinyTemplate] }), { port: 0 });
  writeFileSync(join(work, 'template.json'), JSON.stringify(tinyTemplate));
  writeFileSync(join(work, 'keys.json'), JSON.stringify(await (await fetch(`${server.url}/.well-known/jwks.json`)).json()));
});

afterAll(async () => {
  await server?.close(0);
  await platform?.[Symbol.asyncDispose]();
  rmSync(work, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await generateCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false });
  return { code, stdout, stderr };
}

describe('vopop generate --remote against the reference server', () => {
  it('writes a playable video and prints the verified receipt with --json', async () => {
    const output = join(work, 'out.mp4');
    const { code, stdout } = await run([
      join(facesDir, 'portrait_small.jpg'),
      '--consent',
      '--template', join(work, 'template.json'),
      '--remote', server.url,
      '--receipt-key', join(work, 'keys.json'),
      '--api-key', apiKey,
      '-o', output,
      '--json',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { deletionReceipt: { keyId: string; outcome: string; input: { sha256: string } } };
    expect(result.deletionReceipt).toMatchObject({ keyId: signer.publicKey.kid, outcome: 'rendered' });
    const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', output]);
    expect(Number(frames.toString().trim())).toBe(tinyTemplate.frameCount);
  });

  it('prints the receipt summary in text, and refuses --remote without a pinned key', async () => {
    const output = join(work, 'text.mp4');
    const text = await run([join(facesDir, 'portrait_small.jpg'), '--consent', '--template', join(work, 'template.json'), '--remote', server.url, '--receipt-key', join(work, 'keys.json'), '--api-key', apiKey, '-o', output]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/deletion receipt verified \(key [\w-]+\), for the crop sent/);
    const refused = await run([join(facesDir, 'portrait_small.jpg'), '--consent', '--remote', server.url, '--api-key', apiKey, '-o', join(work, 'no.mp4'), '--json']);
    expect(refused.code).not.toBe(0);
    expect(JSON.parse(refused.stderr || refused.stdout)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    expect(existsSync(join(work, 'no.mp4'))).toBe(false);
  });
});
