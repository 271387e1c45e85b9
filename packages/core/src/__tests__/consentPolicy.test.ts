import { describe, expect, it, vi } from 'vitest';
import {
  ConsentRequiredError,
  EphemeralScope,
  InvalidArgumentError,
  assertConsent,
  generateVideo,
  parseConsentPolicy,
} from '../index';
import type { ConsentPolicy, ConsentRecord, ConsentRefusalReason, Renderer } from '../index';
import { createFakePlatform, fakePhoto } from './fakePorts';

// P8 with the app's policy: a consent under a notice the app no longer accepts, without the age
// the app requires, or for another processing mode is refused with a precise reason before any
// port is called and before a byte of the photo is held.

const policy: ConsentPolicy = { acceptedNoticeVersions: ['2026-12'], minimumAge: 18 };
const good: ConsentRecord = {
  purpose: 'face-video',
  processing: 'on-device',
  noticeVersion: '2026-12',
  grantedAt: '2026-12-03T09:00:00Z',
  ageConfirmation: { method: 'self-declared', minimumAge: 18 },
};
const { ageConfirmation: _, ...withoutAge } = good;

const refusals: [string, unknown, ConsentRefusalReason][] = [
  ['no record', undefined, 'missing'],
  ['a malformed record', { ...good, grantedAt: 'yesterday' }, 'invalid-record'],
  ['an age estimated rather than declared', { ...good, ageConfirmation: { method: 'face-estimate', minimumAge: 18 } }, 'invalid-record'],
  ['the wrong mode', { ...good, processing: 'remote-service', remoteOrigins: ['https://render.example'] }, 'mode-mismatch'],
  ['an expired notice version', { ...good, noticeVersion: '2026-06' }, 'notice-version-not-accepted'],
  ['an unknown notice version', { ...good, noticeVersion: 'draft' }, 'notice-version-not-accepted'],
  ['no age confirmation', withoutAge, 'age-not-confirmed'],
  ['a lower confirmed age', { ...good, ageConfirmation: { method: 'self-declared', minimumAge: 16 } }, 'age-below-limit'],
];

function refusalOf(run: () => unknown): ConsentRequiredError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConsentRequiredError);
    return error as ConsentRequiredError;
  }
  throw new Error('not refused');
}

describe('assertConsent with the app\'s policy', () => {
  it('accepts a record under an accepted notice with the required age', () => {
    expect(() => assertConsent(good, 'on-device', undefined, policy)).not.toThrow();
    expect(() => assertConsent({ ...good, ageConfirmation: { method: 'self-declared', minimumAge: 21 } }, 'on-device', undefined, policy)).not.toThrow();
  });

  it.each(refusals)('refuses %s with its reason', (_name, record, reason) => {
    const error = refusalOf(() => assertConsent(record, 'on-device', undefined, policy));
    expect(error.reason).toBe(reason);
    expect(error.code).toBe('CONSENT_REQUIRED');
  });

  it('without a policy, the age and notice version are not required (the app opted out)', () => {
    expect(() => assertConsent({ ...withoutAge, noticeVersion: 'anything' }, 'on-device')).not.toThrow();
  });

  it('names the origin problem for a remote consent that does not name the service', () => {
    const remote = { ...good, processing: 'remote-service', remoteOrigins: ['https://other.example'] };
    const error = refusalOf(() => assertConsent(remote, 'remote-service', 'https://render.example', policy));
    expect(error.reason).toBe('origin-not-named');
  });

  it('a malformed policy is an InvalidArgumentError, not a silent weaker check', () => {
    expect(() => parseConsentPolicy({ minimumAge: '18' })).toThrow(InvalidArgumentError);
    expect(() => parseConsentPolicy({ acceptedNoticeVersions: [] })).toThrow(InvalidArgumentError);
    expect(() => assertConsent(good, 'on-device', undefined, { minimumAge: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('generateVideo refuses before any decode (P8, fake ports)', () => {
  it.each(refusals)('%s: ConsentRequiredError with its reason, no port called, nothing held, photo untouched', async (_name, record, reason) => {
    const platform = { ...createFakePlatform(), consentPolicy: policy };
    const photo = fakePhoto();
    const original = photo.slice();
    const hold = vi.spyOn(EphemeralScope.prototype, 'hold');
    try {
      const error = await generateVideo({ photo, consent: record as ConsentRecord }, platform).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConsentRequiredError);
      expect((error as ConsentRequiredError).reason).toBe(reason);
      expect(platform.log).toEqual([]);
      expect(hold).not.toHaveBeenCalled();
      expect(photo).toEqual(original);
    } finally {
      hold.mockRestore();
    }
  });

  it('an on-device consent with a remote renderer is a mode mismatch before any decode', async () => {
    const fake = createFakePlatform();
    const remote: Renderer = { remoteOrigin: 'https://render.example', render: () => Promise.reject(new Error('never')) };
    const platform = { ...fake, renderer: remote, consentPolicy: policy };
    const error = await generateVideo({ photo: fakePhoto(), consent: good }, platform).catch((e: unknown) => e);
    expect((error as ConsentRequiredError).reason).toBe('mode-mismatch');
    expect(fake.log).toEqual([]);
  });

  it('mutant: without the policy on the platform, the notice and age cases reach the decoder (what the checks above catch)', async () => {
    for (const [, record, reason] of refusals) {
      if (!['notice-version-not-accepted', 'age-not-confirmed', 'age-below-limit'].includes(reason)) continue;
      const platform = createFakePlatform();
      const result = await generateVideo({ photo: fakePhoto(), consent: record as ConsentRecord }, platform).catch(() => undefined);
      result?.video.purge();
      expect(platform.log[0]).toMatch(/^decode/);
    }
  });

  it('the accepted record goes through to the decoder (the check can pass: not a test that always refuses)', async () => {
    const platform = { ...createFakePlatform(), consentPolicy: policy };
    // The fake platform renders all the way: the video is the test's to purge, or its handle
    // warns when it is garbage-collected (in whichever later test that happens).
    const result = await generateVideo({ photo: fakePhoto(), consent: good }, platform);
    result.video.purge();
    expect(platform.log[0]).toMatch(/^decode/);
  });
});
