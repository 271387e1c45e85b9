import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConsentRequiredError, generateVideo } from '@vopop/core';
import type { ConsentRecord, ConsentRefusalReason } from '@vopop/core';
import { createNodePlatform, type NodePlatform } from '../nodePlatform';
import { facesDir } from '../../../../fixtures/faces/facesDir';

// P8 on Node with the real ports: every consent mismatch is refused before the real decoder is
// called, and the photo file's bytes are left as they were read.

const good: ConsentRecord = {
  purpose: 'face-video',
  processing: 'on-device',
  noticeVersion: '2026-12',
  grantedAt: '2026-12-03T09:00:00Z',
  ageConfirmation: { method: 'self-declared', minimumAge: 18 },
};
const { ageConfirmation: _, ...withoutAge } = good;

let tempDir: string;
let platform: NodePlatform;

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'vopop-consent-'));
  platform = await createNodePlatform({
    tempDirectory: join(tempDir, 'store'),
    consentPolicy: { acceptedNoticeVersions: ['2026-12'], minimumAge: 18 },
  });
}, 120_000);

afterAll(async () => {
  await platform?.[Symbol.asyncDispose]();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('consent on Node (createNodePlatform with the app\'s policy)', () => {
  it.each<[string, unknown, ConsentRefusalReason]>([
    ['no record', undefined, 'missing'],
    ['the wrong mode', { ...good, processing: 'remote-service', remoteOrigins: ['https://render.example'] }, 'mode-mismatch'],
    ['no age confirmation', withoutAge, 'age-not-confirmed'],
    ['a lower confirmed age', { ...good, ageConfirmation: { method: 'self-declared', minimumAge: 13 } }, 'age-below-limit'],
    ['an expired notice version', { ...good, noticeVersion: '2025-01' }, 'notice-version-not-accepted'],
  ])('%s: refused with its reason before the real decoder is called', async (_name, record, reason) => {
    const decode = vi.spyOn(platform.decoder, 'decode');
    const detect = vi.spyOn(platform.detector, 'detect');
    const photo = readFileSync(join(facesDir, 'portrait_small.jpg'));
    const original = Buffer.from(photo);
    try {
      const error = await generateVideo({ photo, consent: record as ConsentRecord }, platform).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConsentRequiredError);
      expect((error as ConsentRequiredError).reason).toBe(reason);
      expect(decode).not.toHaveBeenCalled();
      expect(detect).not.toHaveBeenCalled();
      expect(photo.equals(original)).toBe(true);
    } finally {
      decode.mockRestore();
      detect.mockRestore();
    }
  });

  it('a consent that satisfies the policy reaches the real decoder', async () => {
    const decode = vi.spyOn(platform.decoder, 'decode');
    try {
      const photo = readFileSync(join(facesDir, 'portrait_small.jpg'));
      const result = await generateVideo({ photo, consent: good }, platform).catch((e: unknown) => e);
      expect(decode).toHaveBeenCalledTimes(1);
      if (result && typeof result === 'object' && 'video' in result) (result as { video: { purge(): void } }).video.purge();
    } finally {
      decode.mockRestore();
    }
  }, 120_000);
});
