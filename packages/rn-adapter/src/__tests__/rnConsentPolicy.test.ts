import { describe, expect, it, vi } from 'vitest';
import type { ConsentRecord, ConsentRefusalReason, FaceDetector } from '@vopop/core';
import { ConsentRequiredError, generateVideo } from '@vopop/core';
import { createReceiptSigner } from '@vopop/render-server';
import { createFakeSkia } from '../decode/fakeSkia';
import { createFakeFileSystem } from '../files/fakeFileSystem';
import { createRNPlatform } from '../rnPlatform';
import { fixturePng } from './rnTestKit';

// P8 on the React Native platform (remote rendering, the RN adapter's mode): each consent mismatch
// is refused with its reason before the Skia decoder, the detector or the rendering service is
// reached, and the photo's bytes are left as they were.

const endpoint = 'https://render.example.com';
const good: ConsentRecord = {
  purpose: 'face-video',
  processing: 'remote-service',
  noticeVersion: '2026-12',
  grantedAt: '2026-12-03T09:00:00Z',
  remoteOrigins: [endpoint],
  ageConfirmation: { method: 'self-declared', minimumAge: 18 },
};
const { ageConfirmation: _, ...withoutAge } = good;

describe('consent on React Native (createRNPlatform with the app\'s policy)', () => {
  it.each<[string, unknown, ConsentRefusalReason]>([
    ['no record', undefined, 'missing'],
    ['an on-device consent (well-formed) with the remote renderer', { purpose: 'face-video', processing: 'on-device', noticeVersion: '2026-12', grantedAt: '2026-12-03T09:00:00Z' }, 'mode-mismatch'],
    ['a consent naming another service', { ...good, remoteOrigins: ['https://other.example'] }, 'origin-not-named'],
    ['no age confirmation', withoutAge, 'age-not-confirmed'],
    ['an expired notice version', { ...good, noticeVersion: '2025-06' }, 'notice-version-not-accepted'],
  ])('%s: refused with its reason before any decode or request', async (_name, record, reason) => {
    const signer = await createReceiptSigner();
    const detect = vi.fn();
    const platform = await createRNPlatform({
      files: createFakeFileSystem(),
      skia: createFakeSkia(),
      detector: { detect } as unknown as FaceDetector,
      renderer: { endpoint, apiKey: 'rn-test-key-0123456789abcdef', receiptKeys: [signer.publicKey] },
    });
    const decode = vi.spyOn(platform.decoder, 'decode');
    const render = vi.spyOn(platform.renderer, 'render');
    const photo = await fixturePng('portrait_small.jpg');
    const original = photo.slice();
    const error = await generateVideo(
      { photo, consent: record as ConsentRecord },
      { ...platform, consentPolicy: { acceptedNoticeVersions: ['2026-12'], minimumAge: 18 } },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).reason).toBe(reason);
    expect(decode).not.toHaveBeenCalled();
    expect(detect).not.toHaveBeenCalled();
    expect(render).not.toHaveBeenCalled();
    expect(photo).toEqual(original);
  });
});
