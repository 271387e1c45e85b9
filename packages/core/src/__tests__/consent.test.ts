import { describe, expect, it } from 'vitest';
import { assertConsent, ConsentRequiredError } from '@vopop/core';

const valid = {
  purpose: 'face-video',
  processing: 'on-device',
  noticeVersion: '2026-11',
  grantedAt: '2026-11-29T15:00:00Z',
} as const;

describe('consent (P8)', () => {
  it('accepts a complete record for the processing it covers', () => {
    expect(() => assertConsent(valid, 'on-device')).not.toThrow();
  });

  it.each([
    ['missing', undefined, /required/],
    ['null', null, /required/],
    ['wrong purpose', { ...valid, purpose: 'ads' }, /purpose/],
    ['no timestamp', { ...valid, grantedAt: undefined }, /grantedAt/],
    ['bad timestamp', { ...valid, grantedAt: 'yesterday' }, /grantedAt/],
    ['empty notice', { ...valid, noticeVersion: '' }, /noticeVersion/],
    ['an identifier smuggled in', { ...valid, userId: 'u-123' }, /not valid/],
    ['covers another mode', { ...valid, processing: 'remote-service' }, /covers remote-service/],
  ])('refuses %s with ConsentRequiredError', (_name, record, message) => {
    let caught: unknown;
    try {
      assertConsent(record, 'on-device');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConsentRequiredError);
    expect((caught as ConsentRequiredError).code).toBe('CONSENT_REQUIRED');
    expect((caught as Error).message).toMatch(message);
  });
});
