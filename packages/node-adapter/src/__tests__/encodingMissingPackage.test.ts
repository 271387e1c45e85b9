import { EncoderUnavailableError } from '@vopop/core';
import { expect, it, vi } from 'vitest';

// As if the optional dependency were not installed (apps that avoid its GPL binary).
vi.mock('@napi-rs/webcodecs', () => {
  throw new Error("Cannot find package '@napi-rs/webcodecs'");
});

it('without @napi-rs/webcodecs, encoding and decoding say what to install', async () => {
  expect(typeof globalThis.VideoEncoder).toBe('undefined');
  const { createNodeVideoEncoder } = await import('../encode/nodeVideoEncoder');
  const { decodeVideoFile } = await import('../templates/decodeVideoFile');
  const error = await createNodeVideoEncoder().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EncoderUnavailableError);
  expect(error).toMatchObject({ code: 'ENCODER_UNAVAILABLE', reason: 'missing-package' });
  expect((error as Error).message).toContain('@napi-rs/webcodecs');
  await expect(decodeVideoFile(new Uint8Array(8), { onFrame: () => undefined })).rejects.toBeInstanceOf(
    EncoderUnavailableError,
  );
  expect(typeof globalThis.VideoEncoder).toBe('undefined');
});
