import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeletionReceiptPayload, FaceDetector, PurgeReceipt } from '@vopop/core';
import { generateVideo, receiptHeader, RenderServiceError, verifyDeletionReceipt } from '@vopop/core';
import { createNodeFaceDetector, createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import type { ListeningRenderServer, ReceiptSigner } from '@vopop/render-server';
import { assertNothingLeft, remoteConsent, tinyTemplate } from '../../../render-server/src/__tests__/support/remoteTestKit';
import { nobleReceiptCrypto } from '../crypto/nobleReceiptCrypto';
import { createFakeSkia } from '../decode/fakeSkia';
import { createFakeFileSystem } from '../files/fakeFileSystem';
import { createRNPlatform } from '../rnPlatform';
import { fixturePng } from './rnTestKit';

const apiKey = 'rn-crypto-key-0123456789abcdef';
let serverPlatform: NodePlatform;
let signer: ReceiptSigner;
let listening: ListeningRenderServer;
let phoneDetector: FaceDetector;

beforeAll(async () => {
  serverPlatform = await createNodePlatform();
  signer = await createReceiptSigner();
  const server = createRenderServer({ platform: serverPlatform, signer, apiKeys: { [apiKey]: 'rn-tests' }, templates: [tinyTemplate], log: () => {} });
  listening = await listenRenderServer(server, { port: 0 });
  phoneDetector = await createNodeFaceDetector({ mode: 'image' });
});

afterAll(async () => {
  phoneDetector?.dispose();
  await listening?.close();
  await serverPlatform?.[Symbol.asyncDispose]();
});

const at = '2026-12-03T08:00:00.000Z';
const claims: DeletionReceiptPayload = {
  typ: 'vopop-deletion-receipt',
  version: 1,
  idempotencyKey: 'rn-crypto-0001',
  templateId: tinyTemplate.id,
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

/** Change one character of the JWS's claims part: what a receipt edited in transit looks like. */
function tamperClaims(jws: string): string {
  const [header, payload, signature] = jws.split('.') as [string, string, string];
  const i = Math.floor(payload.length / 2);
  return `${header}.${payload.slice(0, i)}${payload[i] === 'A' ? 'B' : 'A'}${payload.slice(i + 1)}.${signature}`;
}

describe('nobleReceiptCrypto (pure JS, for Hermes)', () => {
  it('verifies a receipt signed by the render server, refuses it tampered, and agrees with WebCrypto', async () => {
    const noble = nobleReceiptCrypto();
    const jws = await signer.sign(claims);
    expect(await verifyDeletionReceipt(jws, [signer.publicKey], noble)).toMatchObject({ ok: true, receipt: { payload: claims } });
    expect(await verifyDeletionReceipt(tamperClaims(jws), [signer.publicKey], noble)).toEqual({ ok: false, problem: 'signature' });
    const other = await createReceiptSigner();
    expect(await verifyDeletionReceipt(jws, [{ ...other.publicKey, kid: signer.publicKey.kid }], noble)).toEqual({ ok: false, problem: 'signature' });

    // Every single-bit flip of the signature: noble and WebCrypto give the same verdict (refused).
    const [h, p, s] = jws.split('.') as [string, string, string];
    const signature = Buffer.from(s, 'base64url');
    const message = new TextEncoder().encode(`${h}.${p}`);
    const publicKey = Buffer.from(signer.publicKey.x, 'base64url');
    const webKey = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    for (let bit = 0; bit < 512; bit += 7) {
      const flipped = Uint8Array.from(signature);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const web = await crypto.subtle.verify({ name: 'Ed25519' }, webKey, flipped, message);
      expect(await noble.verifyEd25519(publicKey, flipped, message)).toBe(web);
      expect(web).toBe(false);
    }
    // RFC 8032's S < L check, as WebCrypto: the same signature with the group order L added to S
    // (a second encoding of it, accepted by verifiers that skip the check) is refused by both.
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    let sPlusL = order;
    for (let i = 31; i >= 0; i--) sPlusL += BigInt(signature[32 + i]!) << BigInt(8 * i);
    const malleated = Uint8Array.from(signature);
    for (let i = 0; i < 32; i++) malleated[32 + i] = Number((sPlusL >> BigInt(8 * i)) & 0xffn);
    expect(sPlusL < 2n ** 256n).toBe(true);
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, webKey, malleated, message)).toBe(false);
    expect(await noble.verifyEd25519(publicKey, malleated, message)).toBe(false);
    // A key of the wrong length is no valid signature, not a crash.
    expect(await noble.verifyEd25519(publicKey.subarray(0, 31), signature, message)).toBe(false);
  });

  it('hashes like the platform at every block edge', async () => {
    const { sha256 } = nobleReceiptCrypto();
    for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 100_000]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 131 + 17) & 255);
      expect(Buffer.from(await sha256(bytes)).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('a receipt tampered on the way back from the real server: RenderServiceError, nothing left, WebCrypto never used', async () => {
    const verify = vi.spyOn(crypto.subtle, 'verify');
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    try {
      // Edits the receipt header of the server's real answer and passes everything else through.
      const tampering: typeof fetch = async (input, init) => {
        const answer = await fetch(input, init);
        const jws = answer.headers.get(receiptHeader);
        if (jws === null) return answer;
        const headers = new Headers(answer.headers);
        headers.set(receiptHeader, tamperClaims(jws));
        return new Response(answer.body, { status: answer.status, headers });
      };
      const files = createFakeFileSystem();
      const platform = await createRNPlatform({
        files,
        skia: createFakeSkia(),
        detector: phoneDetector,
        renderer: { endpoint: listening.url, apiKey, receiptKeys: [signer.publicKey], retry: { maxAttempts: 1 }, fetch: tampering },
      });
      const photo = await fixturePng('portrait_small.jpg');
      const seen: { receipt?: PurgeReceipt } = {};
      const error = await generateVideo(
        { photo, consent: remoteConsent(listening.url), template: tinyTemplate, onPurged: (r) => (seen.receipt = r) },
        platform,
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RenderServiceError);
      expect(error).toMatchObject({ code: 'RENDER_SERVICE', failure: 'receipt-invalid', details: { reason: 'receipt signature' } });
      assertNothingLeft(seen.receipt, photo);
      expect(seen.receipt!.records.some((r) => r.label === 'remote.video' && r.outcome === 'wiped' && r.verified)).toBe(true);
      expect(files.files()).toEqual([]);
      expect(verify).not.toHaveBeenCalled();
      expect(importKey).not.toHaveBeenCalled();
      await platform[Symbol.asyncDispose]();
    } finally {
      verify.mockRestore();
      importKey.mockRestore();
    }
  });
});
