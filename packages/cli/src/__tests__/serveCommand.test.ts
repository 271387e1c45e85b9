/**
 * `vopop serve` in-process: the flags it refuses before anything starts (each a usage error that
 * says why), and a stored signing key that the running server really signs with.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cliIo';
import { exitCodes } from '../exitCodes';
import { serveCommand } from '../serveCommand';

const apiKey = 'serve-unit-key-0123456789';
const work = mkdtempSync(join(tmpdir(), 'vopop-serve-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('vopop serve refuses bad flags before starting', () => {
  it('a host other than loopback without --expose, saying why', async () => {
    const io = captureIo();
    expect(await serveCommand(['--host', '0.0.0.0', '--api-key', apiKey], io)).toBe(exitCodes.usage);
    expect(io.err).toContain('is not loopback: the server speaks plain HTTP');
    expect(io.err).toContain('--expose');
  });

  it('a port that is not a port, a short API key, an unknown flag', async () => {
    for (const args of [['--port', '65536'], ['--port', '80x'], ['--api-key', 'short'], ['--api-key', `${apiKey} with spaces`], ['--tls']]) {
      const io = captureIo();
      expect(await serveCommand(args, io), args.join(' ')).toBe(exitCodes.usage);
    }
  });

  it('a signing key that is not JSON, or not an Ed25519 private JWK: usage error, no key file written', async () => {
    const notJson = join(work, 'not-json.jwk');
    writeFileSync(notJson, 'not json');
    const notEd25519 = join(work, 'rsa.jwk');
    writeFileSync(notEd25519, JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB' }));
    const keyFile = join(work, 'never.json');
    for (const file of [notJson, notEd25519]) {
      const io = captureIo();
      const code = await serveCommand(['--port', '0', '--api-key', apiKey, '--signing-key', file, '--public-key-out', keyFile, '--json'], io);
      expect(code).toBe(exitCodes.usage);
      expect(JSON.parse(io.out)).toMatchObject({ error: { code: 'USAGE', message: expect.stringContaining('--signing-key') } });
    }
    expect(existsSync(keyFile)).toBe(false);
  });

  it('a signing key file that does not exist: the input exit code', async () => {
    const io = captureIo();
    expect(await serveCommand(['--api-key', apiKey, '--signing-key', join(work, 'missing.jwk')], io)).toBe(exitCodes.input);
  });
});

describe('vopop serve with a stored signing key', () => {
  it('publishes that key, and stops with exit 0 when its signal aborts', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    const keyFile = join(work, 'signing.jwk');
    writeFileSync(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
    const io = captureIo();
    const stop = new AbortController();
    const running = serveCommand(['--port', '0', '--api-key', apiKey, '--signing-key', keyFile, '--json'], io, stop.signal);
    while (!io.out.includes('"event":"listening"')) {
      const early = await Promise.race([running, new Promise<undefined>((done) => setTimeout(done, 50))]);
      if (early !== undefined) throw new Error(`serve ended (${early}): ${io.out}${io.err}`);
    }
    const listening = JSON.parse(io.out.split('\n')[0]!) as { url: string; keyId: string; apiKey?: string };
    expect(listening.apiKey).toBeUndefined(); // given, so not printed
    const published = (await (await fetch(`${listening.url}/.well-known/jwks.json`)).json()) as { keys: { x: string; kid: string }[] };
    expect(published.keys).toEqual([expect.objectContaining({ x: privateJwk.x, kid: listening.keyId })]);
    stop.abort();
    expect(await running).toBe(exitCodes.ok);
    expect(io.out).toContain('"event":"stopped"');
    await expect(fetch(`${listening.url}/.well-known/jwks.json`)).rejects.toThrow();
  });
});
