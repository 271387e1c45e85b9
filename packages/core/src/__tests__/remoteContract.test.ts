import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  assertConsent,
  ConsentRequiredError,
  decodePng,
  EphemeralScope,
  remoteOpenApiDocument,
  sha256Hex,
  signDeletionReceipt,
  verifyDeletionReceipt,
} from '@vopop/core';
import type { DeletionReceiptPayload, ReceiptPublicKey } from '@vopop/core';
import { base64UrlDecode, base64UrlEncode } from '../remote/base64url';
import { encodeCropPng } from '../remote/encodeCropPng';

const openApiFile = fileURLToPath(new URL('../../../../docs/remote-openapi.json', import.meta.url));

async function keyPair(kid: string): Promise<{ privateKey: CryptoKey; keyId: string; jwk: ReceiptPublicKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, keyId: kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: exported.x!, kid } };
}

function claims(overrides: Partial<DeletionReceiptPayload> = {}): DeletionReceiptPayload {
  const at = '2026-12-03T08:00:00.000Z';
  return {
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
    ...overrides,
  };
}

function tamper(jws: string, part: 0 | 1 | 2, edit: (json: Record<string, unknown>) => void): string {
  const parts = jws.split('.');
  const json = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[part]!)!)) as Record<string, unknown>;
  edit(json);
  parts[part] = base64UrlEncode(new TextEncoder().encode(JSON.stringify(json)));
  return parts.join('.');
}

describe('deletion receipt (Ed25519 JWS)', () => {
  it('verifies under the pinned key and returns the claims', async () => {
    const key = await keyPair('k1');
    const jws = await signDeletionReceipt(claims(), key);
    const header = JSON.parse(new TextDecoder().decode(base64UrlDecode(jws.split('.')[0]!)!)) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'vopop-receipt+jws' });
    const result = await verifyDeletionReceipt(jws, [key.jwk]);
    expect(result).toMatchObject({ ok: true, receipt: { keyId: 'k1', payload: { templateId: 'confetti-pop' } } });
  });

  it('refuses changed claims, another key, another algorithm and garbage', async () => {
    const key = await keyPair('k1');
    const other = await keyPair('k1');
    const jws = await signDeletionReceipt(claims(), key);
    const changed = tamper(jws, 1, (c) => ((c.input as { sha256: string }).sha256 = 'c'.repeat(64)));
    expect(await verifyDeletionReceipt(changed, [key.jwk])).toEqual({ ok: false, problem: 'signature' });
    expect(await verifyDeletionReceipt(jws, [other.jwk])).toEqual({ ok: false, problem: 'signature' });
    expect(await verifyDeletionReceipt(jws, [{ ...key.jwk, kid: 'k2' }])).toEqual({ ok: false, problem: 'unknown-key' });
    expect(await verifyDeletionReceipt(tamper(jws, 0, (h) => (h.alg = 'none')), [key.jwk])).toEqual({ ok: false, problem: 'header' });
    expect(await verifyDeletionReceipt('a.b', [key.jwk])).toEqual({ ok: false, problem: 'malformed' });
    expect(await verifyDeletionReceipt(`${jws.slice(0, -4)}!!!!`, [key.jwk])).toEqual({ ok: false, problem: 'signature' });
  });

  it('signs only claims the contract allows', async () => {
    const key = await keyPair('k1');
    await expect(signDeletionReceipt({ ...claims(), extra: 'user-42' } as DeletionReceiptPayload, key)).rejects.toThrow();
  });
});

describe('base64url', () => {
  it('matches the platform encoder on every length', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = base64UrlEncode(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(base64UrlDecode(text)).toEqual(bytes);
    }
    expect(base64UrlDecode('ab=c')).toBeUndefined();
  });
});

describe('crop PNG', () => {
  it('round-trips the pixels and holds no chunk but IHDR, IDAT and IEND', () => {
    const rgba = crypto.getRandomValues(new Uint8Array(37 * 23 * 4));
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
    const png = encodeCropPng(rgba, 37, 23);
    const types: string[] = [];
    for (let at = 8; at < png.length; ) {
      const length = new DataView(png.buffer).getUint32(at);
      types.push(String.fromCharCode(...png.subarray(at + 4, at + 8)));
      at += 12 + length;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    const scope = new EphemeralScope();
    const image = decodePng(png, scope);
    expect([image.width, image.height]).toEqual([37, 23]);
    expect(image.pixels.value).toEqual(rgba);
    scope.purge();
  });

  it('hashes in place: SHA-256 equal to the platform\'s at every block boundary', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 100_003]) {
      const bytes = new Uint8Array(randomBytes(length));
      const copy = bytes.slice();
      expect(sha256Hex(bytes), `length ${length}`).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(bytes).toEqual(copy);
    }
  });
});

describe('consent for remote rendering', () => {
  const remote = {
    purpose: 'face-video',
    processing: 'remote-service',
    noticeVersion: 'v4',
    grantedAt: '2026-12-03T08:00:00Z',
    remoteOrigins: ['https://render.example.com'],
  } as const;

  it('accepts a record naming the service origin', () => {
    expect(() => assertConsent(remote, 'remote-service', 'https://render.example.com')).not.toThrow();
  });

  it.each([
    ['another origin', remote, 'https://other.example.com'],
    ['no origin listed', { ...remote, remoteOrigins: undefined }, 'https://render.example.com'],
    ['on-device consent', { ...remote, processing: 'on-device', remoteOrigins: undefined }, 'https://render.example.com'],
  ])('refuses %s', (_name, record, origin) => {
    expect(() => assertConsent(record, 'remote-service', origin)).toThrow(ConsentRequiredError);
  });
});

describe('OpenAPI document', () => {
  it('is generated from the zod contract and committed as docs/remote-openapi.json', () => {
    const generated = `${JSON.stringify(remoteOpenApiDocument(), null, 2)}\n`;
    // VOPOP_UPDATE_OPENAPI=1 rewrites the committed file after a deliberate contract change.
    if (process.env.VOPOP_UPDATE_OPENAPI === '1') writeFileSync(openApiFile, generated);
    expect(readFileSync(openApiFile, 'utf8')).toBe(generated);
    const doc = JSON.parse(generated) as { openapi: string; paths: Record<string, { post?: { responses: Record<string, unknown> } }> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/v1/renders']!.post!.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '413', '415', '422', '429', '503']),
    );
  });
});
