import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, RemoteRenderer, sha256Hex, signDeletionReceipt, verifyDeletionReceipt } from '@vopop/core';
import type { DeletionReceiptPayload, ReceiptCrypto, ReceiptPublicKey } from '@vopop/core';
import { base64UrlDecode } from '../remote/base64url';
import { webCryptoReceiptCrypto } from '../remote/receiptCrypto';
import { sha256Bytes } from '../remote/sha256Hex';

const at = '2026-12-03T08:00:00.000Z';
const claims: DeletionReceiptPayload = {
  typ: 'vopop-deletion-receipt',
  version: 1,
  idempotencyKey: 'k'.repeat(24),
  templateId: 'confetti-pop',
  input: { sha256: 'a'.repeat(64), bytes: 1000, mediaType: 'image/png' },
  output: { sha256: 'b'.repeat(64), bytes: 2000, mediaType: 'video/mp4' },
  outcome: 'rendered',
  receivedAt: at,
  completedAt: at,
  held: [{ kind: 'input', location: 'memory', bytes: 1000, method: 'zero-fill', wipedAt: at, phase: 'before-response', verified: true }],
  retentionPolicyVersion: 'none-1',
  buildId: 'test',
  attestation: null,
};

async function signedReceipt(): Promise<{ jws: string; key: ReceiptPublicKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { x } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const jws = await signDeletionReceipt(claims, { privateKey: pair.privateKey, keyId: 'k1' });
  return { jws, key: { kty: 'OKP', crv: 'Ed25519', x: x!, kid: 'k1' } };
}

/** A port that checks with WebCrypto and records what it was asked, as an injected one would be. */
function recordingCrypto(): ReceiptCrypto & { calls: { publicKey: Uint8Array; message: string }[] } {
  const inner = webCryptoReceiptCrypto(crypto.subtle);
  const calls: { publicKey: Uint8Array; message: string }[] = [];
  return {
    calls,
    verifyEd25519: (publicKey, signature, message) => {
      calls.push({ publicKey: publicKey.slice(), message: new TextDecoder().decode(message) });
      return inner.verifyEd25519(publicKey, signature, message);
    },
    sha256: inner.sha256,
  };
}

const rendererOptions = {
  endpoint: 'https://render.example.com',
  apiKey: 'receipt-crypto-test-key',
  receiptKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'k1' }] as ReceiptPublicKey[],
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('receipt cryptography port', () => {
  it('verifies through an injected port with the pinned raw key and the JWS signing input', async () => {
    const { jws, key } = await signedReceipt();
    const port = recordingCrypto();
    expect(await verifyDeletionReceipt(jws, [key], port)).toMatchObject({ ok: true, receipt: { keyId: 'k1' } });
    expect(port.calls).toHaveLength(1);
    expect(port.calls[0]!.publicKey).toEqual(base64UrlDecode(key.x));
    expect(port.calls[0]!.message).toBe(jws.split('.').slice(0, 2).join('.'));

    const parts = jws.split('.');
    const forged = `${parts[0]}.${parts[1]!.slice(0, -2)}${parts[1]!.endsWith('A') ? 'B' : 'A'}${parts[1]!.slice(-1)}.${parts[2]}`;
    expect(await verifyDeletionReceipt(forged, [key], port)).toEqual({ ok: false, problem: 'signature' });
  });

  it('a port that says no is a signature problem, whatever WebCrypto would say', async () => {
    const { jws, key } = await signedReceipt();
    const refusing: ReceiptCrypto = { verifyEd25519: async () => false, sha256: async (b) => sha256Bytes(b) };
    expect(await verifyDeletionReceipt(jws, [key], refusing)).toEqual({ ok: false, problem: 'signature' });
  });

  it('without WebCrypto and without a port: InvalidArgumentError that says what to pass, before any work', async () => {
    const { jws, key } = await signedReceipt();
    vi.stubGlobal('crypto', { getRandomValues: <T extends ArrayBufferView>(a: T) => a });
    expect(() => new RemoteRenderer(rendererOptions)).toThrow(InvalidArgumentError);
    expect(() => new RemoteRenderer(rendererOptions)).toThrow(/no WebCrypto.*Pass `crypto`.*nobleReceiptCrypto/);
    await expect(verifyDeletionReceipt(jws, [key])).rejects.toThrow(InvalidArgumentError);
    // With a port it constructs, although the runtime has no WebCrypto.
    expect(new RemoteRenderer({ ...rendererOptions, crypto: { verifyEd25519: async () => true, sha256: async (b) => sha256Bytes(b) } }).remoteOrigin).toBe(
      'https://render.example.com',
    );
  });

  it('refuses a port without its functions, both `crypto` and `subtle`, and a runtime without randomness', () => {
    const port: ReceiptCrypto = { verifyEd25519: async () => true, sha256: async (b) => sha256Bytes(b) };
    expect(() => new RemoteRenderer({ ...rendererOptions, crypto: { sha256: port.sha256 } as ReceiptCrypto })).toThrow(/`verifyEd25519` and `sha256`/);
    expect(() => new RemoteRenderer({ ...rendererOptions, crypto: port, subtle: crypto.subtle })).toThrow(InvalidArgumentError);
    vi.stubGlobal('crypto', {});
    expect(() => new RemoteRenderer({ ...rendererOptions, crypto: port })).toThrow(/getRandomValues/);
  });

  it('the default port hashes with core in-place SHA-256 (equal to the platform at block edges)', async () => {
    const port = webCryptoReceiptCrypto(crypto.subtle);
    for (const size of [0, 55, 56, 63, 64, 65, 1000]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 255);
      const expected = createHash('sha256').update(bytes).digest();
      expect(Buffer.from(await port.sha256(bytes))).toEqual(expected);
      expect(sha256Hex(bytes)).toBe(expected.toString('hex'));
    }
  });
});

