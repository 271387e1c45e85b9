import { describe, expect, it, vi } from 'vitest';
import type { ConsentRecord, FaceDetector } from '@vopop/core';
import { ConsentRequiredError, consentPolicyFor, generateDisclosures, generateVideo } from '@vopop/core';
import { describeConsent, noticeFor, recordConsent } from '../../../../examples/rn/consent';
import { privacyConfig } from '../../../../examples/rn/privacyConfig';
import { renderService } from '../../../../examples/rn/renderService';
import { createFakeSkia } from '../decode/fakeSkia';
import { createFakeFileSystem } from '../files/fakeFileSystem';
import { createRNPlatform } from '../rnPlatform';
import { fixturePng } from './rnTestKit';

// examples/rn: the notice and the consent come from the app's one privacy configuration, and the
// SDK, configured from the same file, accepts exactly that consent before it reads the photo.

/** The example's platform with fakes for the native parts; the decoder stops the run once reached. */
async function examplePlatform() {
  const platform = await createRNPlatform({
    files: createFakeFileSystem(),
    skia: createFakeSkia(),
    detector: { detect: vi.fn() } as unknown as FaceDetector,
    renderer: renderService,
    consentPolicy: consentPolicyFor(privacyConfig),
  });
  const reached = new Error('the decoder was reached: consent passed');
  const decode = vi.spyOn(platform.decoder, 'decode').mockRejectedValue(reached);
  return { platform, decode, reached };
}

describe('examples/rn: notice and consent from the app configuration', () => {
  it('shows the notice `vopop privacy` generates for the same file, naming the service, the age and the version', () => {
    const notice = noticeFor(privacyConfig);
    expect(notice.markdown).toBe(generateDisclosures(privacyConfig)['privacy-notice.md']);
    expect(notice.markdown).toContain(`Notice version ${privacyConfig.noticeVersion}.`);
    expect(notice.markdown).toContain('https://render.example.com');
    expect(notice.markdown).toContain(`at least ${privacyConfig.minimumAge} years old`);
    expect(notice).toMatchObject({ version: privacyConfig.noticeVersion, minimumAge: privacyConfig.minimumAge });
    // The service the app renders with is the one the notice names.
    expect(new URL(String(renderService.endpoint)).origin).toBe(privacyConfig.remoteEndpoints[0]);
  });

  it('the recorded consent (version, purpose, remote origin, age) is accepted by the SDK configured from the same file', async () => {
    const record = recordConsent(privacyConfig, { ageConfirmed: true }, new Date('2026-12-03T09:00:00Z'));
    expect(record).toEqual({
      purpose: 'face-video',
      processing: 'remote-service',
      remoteOrigins: ['https://render.example.com'],
      noticeVersion: '2026-12-rn',
      grantedAt: '2026-12-03T09:00:00.000Z',
      ageConfirmation: { method: 'self-declared', minimumAge: 18 },
    });
    expect(describeConsent(record)).toBe(
      'consent recorded: notice 2026-12-rn, purpose face-video, processing remote (https://render.example.com), age 18+ self-declared',
    );
    const { platform, decode, reached } = await examplePlatform();
    const error = await generateVideo({ photo: await fixturePng('portrait_small.jpg'), consent: record }, platform).catch((caught: unknown) => caught);
    // Past the consent check: the run stopped where the stand-in decoder stopped it.
    expect(error).toMatchObject({ stage: 'decode', cause: reached });
    expect(decode).toHaveBeenCalledTimes(1);
  });

  it.each<[string, (record: ConsentRecord) => ConsentRecord, string]>([
    ['without the age confirmation', ({ ageConfirmation: _, ...rest }) => rest, 'age-not-confirmed'],
    ['under an older notice version', (record) => ({ ...record, noticeVersion: '2026-06-rn' }), 'notice-version-not-accepted'],
    ['naming another service', (record) => ({ ...record, remoteOrigins: ['https://other.example'] }), 'origin-not-named'],
  ])('a consent %s is refused by the platform policy before the photo is read', async (_name, edit, reason) => {
    const record = edit(recordConsent(privacyConfig, { ageConfirmed: true }, new Date('2026-12-03T09:00:00Z')));
    const { platform, decode } = await examplePlatform();
    const photo = await fixturePng('portrait_small.jpg');
    const original = photo.slice();
    const error = await generateVideo({ photo, consent: record }, platform).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).reason).toBe(reason);
    expect(decode).not.toHaveBeenCalled();
    expect(photo).toEqual(original);
  });

  it('records nothing without the age confirmation', () => {
    expect(() => recordConsent(privacyConfig, { ageConfirmed: false as true }, new Date())).toThrow(/confirmed their age/);
  });
});
