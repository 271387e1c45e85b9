import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { facesDir, repoRoot } from './detectTestKit';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const preload = join(here, 'detectOffline', 'blockNetwork.mjs');
const child = join(here, 'detectOffline', 'detectChild.ts');
// Tries each blocked route once, swallowing the errors, as a library that "fails soft" would.
const probeScript = [
  "import { connect } from 'node:net'; import dns from 'node:dns'; import https from 'node:https';",
  "for (const attempt of [() => fetch('http://127.0.0.1:9/'), () => connect(9, '127.0.0.1'),",
  "  () => dns.lookup('localhost', () => {}), () => https.get('https://127.0.0.1:9/')]) {",
  '  try { await attempt(); } catch {}',
  '}',
  "process.stdout.write('{}\\n');",
].join('\n');
const logDir = mkdtempSync(join(tmpdir(), 'vopop-net-'));

afterAll(() => rmSync(logDir, { recursive: true, force: true }));

/** Run the child with networking blocked; returns its result and the recorded attempts. */
async function detectOffline(backend: 'wasm' | 'cpu', landmarks: 468 | 478, probe = false) {
  const log = join(logDir, `${backend}-${landmarks}-${probe ? 'probe' : 'run'}.log`);
  writeFileSync(log, '');
  const args = ['--conditions=@vopop/source', '--import', preload, '--import', 'tsx'];
  const script = probe
    ? ['--input-type=module', '-e', probeScript]
    : [child, join(facesDir, 'portrait.jpg'), backend, String(landmarks)];
  const { stdout } = await run(process.execPath, [...args, ...script], {
    cwd: repoRoot,
    env: { ...process.env, VOPOP_NET_LOG: log },
    timeout: 120_000,
  });
  const attempts = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>, attempts };
}

describe('detection with networking blocked', () => {
  it('the block is in force: attempts in the child are refused and recorded', async () => {
    const { attempts } = await detectOffline('wasm', 468, true);
    expect(attempts).toEqual(['fetch', 'node:net.connect', 'node:dns.lookup', 'node:https.get']);
  });

  it('detects on wasm with the 478-point model and makes no network attempt', async () => {
    const { result, attempts } = await detectOffline('wasm', 478);
    expect(result).toEqual({ faces: 1, points: 478, backend: 'wasm' });
    expect(attempts).toEqual([]);
  });
});
