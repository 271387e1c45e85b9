import { describe, expect, it, vi } from 'vitest';
import {
  InvalidArgumentError,
  TelemetryRecorder,
  bucketDuration,
  estimateTrueRate,
  generateVideo,
  photoSizeClass,
} from '../index';
import type { ConsentRecord, TelemetryRecorderOptions, TelemetryReport } from '../index';
import { createFakePlatform, fakePhoto } from './fakePorts';

const consent: ConsentRecord = {
  purpose: 'face-video',
  processing: 'on-device',
  noticeVersion: 'test',
  grantedAt: '2026-12-01T00:00:00Z',
};
const noon = Date.UTC(2026, 11, 3, 12);
const aDay = 86_400_000;

function capturingSink() {
  const sent: string[] = [];
  const send = vi.fn((report: TelemetryReport) => {
    sent.push(JSON.stringify(report));
    return Promise.resolve();
  });
  return { sent, send };
}

function recorder(extra: Partial<TelemetryRecorderOptions> = {}) {
  const sink = capturingSink();
  const telemetry = new TelemetryRecorder({
    enabled: true,
    sink,
    sdkVersion: '0.1',
    platform: 'node',
    platformVersion: '20',
    minimumCount: 2,
    wallClock: () => noon,
    ...extra,
  });
  return { telemetry, sink };
}

/** Generations of `photo` with fake ports and a clock that never moves (see the test below). */
async function generations(photo: () => Uint8Array, telemetry: TelemetryRecorder, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const result = await generateVideo({ photo: photo(), consent, telemetry, clock: { now: () => 0 } }, createFakePlatform());
    result.video.purge();
  }
}

describe('telemetry off (the default)', () => {
  it('records nothing and never calls the transport, around real generations', async () => {
    const sink = capturingSink();
    // No `enabled`: the default.
    const telemetry = new TelemetryRecorder({ sink, sdkVersion: '0.1', platform: 'node', platformVersion: '20', minimumCount: 2 });
    expect(telemetry.enabled).toBe(false);
    await generations(() => fakePhoto(), telemetry, 2);
    expect(telemetry.record({ name: 'photo.size', sizeClass: '1-4mp' })).toBe(false);
    expect(await telemetry.flush()).toBe('disabled');
    expect(sink.send).not.toHaveBeenCalled();
  });

  it('mutant check: the same run with telemetry on does call the transport', async () => {
    const { telemetry, sink } = recorder();
    await generations(() => fakePhoto(), telemetry, 2);
    expect(await telemetry.flush()).toBe('sent');
    expect(sink.send).toHaveBeenCalledTimes(1);
  });
});

describe('a generation with telemetry on', () => {
  // Durations depend on the photo (a bigger photo decodes longer), so the test fixes the clock:
  // what remains is everything else the pipeline could record, and none of it may differ.
  it('sends byte-identical reports for two different photos', async () => {
    const first = recorder();
    const second = recorder();
    await generations(() => fakePhoto(256, 256, 7), first.telemetry, 2);
    await generations(() => fakePhoto(320, 240, 99), second.telemetry, 2);
    await first.telemetry.flush();
    await second.telemetry.flush();
    expect(first.sink.sent).toHaveLength(1);
    expect(second.sink.sent).toEqual(first.sink.sent);
    const report = JSON.parse(first.sink.sent[0]!) as TelemetryReport;
    expect(report.outcomes).toEqual([{ outcome: 'OK', count: 2 }]);
    expect(report.stageDurations).toHaveLength(5);
  });

  it('mutant: recording something of the photo (its size class) makes the reports differ — the comparison sees it', async () => {
    const first = recorder();
    const second = recorder();
    for (const { telemetry } of [first, second]) await generations(() => fakePhoto(), telemetry, 2);
    for (let i = 0; i < 2; i++) {
      first.telemetry.record({ name: 'photo.size', sizeClass: photoSizeClass(256, 256) });
      second.telemetry.record({ name: 'photo.size', sizeClass: photoSizeClass(4000, 3000) });
    }
    await first.telemetry.flush();
    await second.telemetry.flush();
    expect(second.sink.sent).not.toEqual(first.sink.sent);
  });

  it('records a failure by its error code', async () => {
    const { telemetry } = recorder();
    for (let i = 0; i < 2; i++) {
      await generateVideo({ photo: new Uint8Array([1, 2, 3]), consent, telemetry }, createFakePlatform()).catch(() => undefined);
    }
    expect(telemetry.preview().outcomes).toEqual([{ outcome: 'IMAGE_DECODE', count: 2 }]);
  });
});

describe('aggregation', () => {
  it('keeps cells under the threshold on the device and sends them once they reach it', async () => {
    const { telemetry, sink } = recorder({ minimumCount: 3 });
    telemetry.record({ name: 'photo.size', sizeClass: '1-4mp' });
    telemetry.record({ name: 'photo.size', sizeClass: '1-4mp' });
    expect(telemetry.preview().photoSizes).toEqual([]);
    expect(await telemetry.flush()).toBe('nothing-to-send');
    telemetry.record({ name: 'photo.size', sizeClass: '1-4mp' });
    expect(await telemetry.flush()).toBe('sent');
    expect((JSON.parse(sink.sent[0]!) as TelemetryReport).photoSizes).toEqual([{ sizeClass: '1-4mp', count: 3 }]);
  });

  it('sends at most once per UTC day, and names only the day', async () => {
    let now = noon;
    const { telemetry, sink } = recorder({ wallClock: () => now });
    const twice = () => {
      telemetry.record({ name: 'generation.outcome', outcome: 'OK' });
      telemetry.record({ name: 'generation.outcome', outcome: 'OK' });
    };
    twice();
    expect(await telemetry.flush()).toBe('sent');
    twice();
    now += 3_600_000;
    expect(await telemetry.flush()).toBe('already-sent-today');
    now += aDay;
    expect(await telemetry.flush()).toBe('sent');
    expect(sink.sent.map((r) => (JSON.parse(r) as TelemetryReport).day)).toEqual(['2026-12-03', '2026-12-04']);
  });

  it('keeps the counts when the transport fails', async () => {
    const { telemetry } = recorder({ sink: { send: () => Promise.reject(new Error('offline')) } });
    telemetry.record({ name: 'generation.outcome', outcome: 'OK' });
    telemetry.record({ name: 'generation.outcome', outcome: 'OK' });
    await expect(telemetry.flush()).rejects.toThrow('offline');
    expect(telemetry.preview().outcomes).toEqual([{ outcome: 'OK', count: 2 }]);
  });

  it('randomizes yes/no answers; the rate is still estimable over many reports', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const { telemetry } = recorder({ truthProbability: 0.5, random, minimumCount: 2 });
    for (let i = 0; i < 4000; i++) telemetry.record({ name: 'feature.used', feature: 'share', used: i % 4 === 0 });
    const [share] = telemetry.preview().features;
    // Half the answers are coin flips: the raw "yes" share is far from the truth (25 %)…
    expect(share!.yes / 4000).toBeGreaterThan(0.33);
    // …and the debiased estimate is close to it.
    expect(estimateTrueRate(share!.yes, share!.no, 0.5)).toBeCloseTo(0.25, 1);
  });

  it('a count over the report\'s ceiling is sent up to it, and the rest is kept for the next day', async () => {
    let now = noon;
    const { telemetry, sink } = recorder({ wallClock: () => now });
    for (let i = 0; i < 1_000_002; i++) telemetry.record({ name: 'generation.outcome', outcome: 'OK' });
    expect(await telemetry.flush()).toBe('sent');
    now += aDay;
    telemetry.record({ name: 'generation.outcome', outcome: 'OK' });
    expect(await telemetry.flush()).toBe('sent');
    expect(sink.sent.map((r) => (JSON.parse(r) as TelemetryReport).outcomes)).toEqual([
      [{ outcome: 'OK', count: 1_000_000 }],
      [{ outcome: 'OK', count: 3 }],
    ]);
  });

  it('buckets durations coarsely', () => {
    expect([0, 99, 100, 999, 2500, 9999, 29_999, 30_000, -5, Number.NaN].map(bucketDuration)).toEqual([
      'under-100ms', 'under-100ms', '100ms-1s', '100ms-1s', '1s-3s', '3s-10s', '10s-30s', 'over-30s', 'under-100ms', 'under-100ms',
    ]);
  });

  it('refuses a configuration that would identify (a full version, a build string)', () => {
    expect(() => recorder({ sdkVersion: '0.1.3+build.77' })).toThrow(InvalidArgumentError);
    expect(() => recorder({ platformVersion: '20.11.1' })).toThrow(InvalidArgumentError);
  });
});
