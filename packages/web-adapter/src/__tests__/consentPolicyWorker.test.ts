import type { ConsentPolicy, ConsentRecord, ConsentRefusalReason, EphemeralScope, FaceDetector, ImageDecoder, Renderer } from '@vopop/core';
import { ConsentRequiredError, defaultWiperRegistry } from '@vopop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVopopClient } from '../client/createVopopClient';
import type { VopopClient } from '../client/createVopopClient';
import { createVopopWorkerApi, exposeWorkerApi } from '../worker/exposeVopopWorker';
import type { PlatformFactory } from '../worker/exposeVopopWorker';

// P8 across the page ↔ worker protocol with the app's consent policy: the page refuses before the
// photo leaves it, and the worker (given a request that skipped the page's check) refuses before
// its decoder is called.

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
  ['the wrong mode', { ...good, processing: 'remote-service', remoteOrigins: ['https://render.example'] }, 'mode-mismatch'],
  ['no age confirmation', withoutAge, 'age-not-confirmed'],
  ['a lower confirmed age', { ...good, ageConfirmation: { method: 'self-declared', minimumAge: 16 } }, 'age-below-limit'],
  ['an expired notice version', { ...good, noticeVersion: '2026-01' }, 'notice-version-not-accepted'],
];

/** Ports that only record whether they were called: a refused job must reach none of them. */
function recordingFactory(calls: string[]): PlatformFactory {
  const decoder: ImageDecoder = {
    decode(_bytes: Uint8Array, _scope: EphemeralScope) {
      calls.push('decode');
      return Promise.reject(new Error('a refused job must not decode'));
    },
  };
  const detector = { detect: () => calls.push('detect'), [Symbol.dispose]() {} } as unknown as FaceDetector;
  const renderer: Renderer = { render: () => Promise.reject(new Error('a refused job must not render')) };
  return async () => ({
    decoder,
    detector,
    renderer,
    wipers: defaultWiperRegistry,
    backend: 'wasm',
    [Symbol.dispose]() {},
  });
}

function photo(): ArrayBuffer {
  return new Uint8Array(512).fill(0xab).buffer;
}

vi.stubGlobal('location', new URL('http://127.0.0.1/app/'));
const clients: VopopClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.terminate();
});

describe('consent policy in the worker (P8)', () => {
  it.each(refusals)('worker: %s is refused with its reason before its decoder is called; the photo is wiped', async (_name, record, reason) => {
    const calls: string[] = [];
    const api = createVopopWorkerApi(recordingFactory(calls));
    await api.init({ modelsUrl: 'http://127.0.0.1/models/', consentPolicy: policy });
    const input = photo();
    const seen = new Uint8Array(input);
    const answer = await api.generate(input, { jobId: 1, consent: record });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('CONSENT_REQUIRED');
    expect(answer.error.fields['reason']).toBe(reason);
    expect(calls).toEqual([]);
    expect(seen.every((byte) => byte === 0)).toBe(true);
    api.close();
  });

  it('worker: the accepted record reaches the decoder (the check can pass)', async () => {
    const calls: string[] = [];
    const api = createVopopWorkerApi(recordingFactory(calls));
    await api.init({ modelsUrl: 'http://127.0.0.1/models/', consentPolicy: policy });
    await api.generate(photo(), { jobId: 1, consent: good });
    expect(calls).toEqual(['decode']);
    api.close();
  });

  it.each(refusals)('page: %s is refused with its reason before the photo leaves the page', async (_name, record, reason) => {
    const calls: string[] = [];
    const channel = new MessageChannel();
    exposeWorkerApi(channel.port2 as never, recordingFactory(calls));
    const worker = Object.assign(channel.port1, {
      terminate: () => {
        channel.port1.close();
        channel.port2.close();
      },
    }) as unknown as Worker;
    const client = createVopopClient({ worker, modelsUrl: '/models/', consentPolicy: policy });
    clients.push(client);
    const input = photo();
    const error = await client.generate({ photo: input, consent: record as ConsentRecord }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).reason).toBe(reason);
    expect(input.byteLength).toBe(512);
    expect(calls).toEqual([]);
  });
});
