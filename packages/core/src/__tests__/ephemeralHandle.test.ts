import { describe, expect, it } from 'vitest';
import {
  EphemeralHandle,
  InvalidArgumentError,
  PurgedError,
  PurgeFailedError,
  type Wiper,
} from '@vopop/core';

const planted = (length: number, seed = 0xa5): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => ((i * 31 + seed) & 0xff) | 1);

describe('EphemeralHandle', () => {
  it('gives the value while live and zero-fills it on purge', () => {
    const bytes = planted(1024);
    const handle = EphemeralHandle.hold(bytes, { kind: 'photo-bytes', label: 'photo' });
    expect(handle.value).toBe(bytes);
    expect(handle.use((v) => v[0])).toBe(bytes[0]);
    expect(handle.byteLength).toBe(1024);

    const record = handle.purge();
    expect(bytes.every((b) => b === 0)).toBe(true);
    expect(record).toMatchObject({
      kind: 'photo-bytes',
      label: 'photo',
      bytes: 1024,
      method: 'zero-fill',
      outcome: 'wiped',
      verified: true,
    });
    expect(handle.isLive).toBe(false);
    expect(handle.byteLength).toBe(0);
  });

  it('throws PurgedError on every access after purge, and purging twice is harmless', () => {
    const handle = EphemeralHandle.hold(new Float32Array(8).fill(3), { kind: 'landmarks', label: 'l' });
    const first = handle.purge();
    expect(() => handle.value).toThrow(PurgedError);
    expect(() => handle.use(() => 1)).toThrow(PurgedError);
    expect(() => handle.move()).toThrow(PurgedError);
    expect(handle.purge()).toBe(first);
    try {
      void handle.value;
    } catch (error) {
      expect((error as PurgedError).code).toBe('PURGED');
    }
  });

  it.each([
    ['Uint8ClampedArray', () => new Uint8ClampedArray(64).fill(200)],
    ['Int16Array', () => new Int16Array(64).fill(-7)],
    ['Float64Array', () => new Float64Array(64).fill(Math.PI)],
    ['BigInt64Array', () => new BigInt64Array(64).fill(-1n)],
    ['DataView', () => new DataView(planted(64).buffer)],
    ['ArrayBuffer', () => planted(64).buffer],
  ])('wipes a %s and verifies zeros by re-reading', (_name, make) => {
    const value = make();
    const view = ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : new Uint8Array(value as ArrayBuffer);
    expect(view.some((b) => b !== 0)).toBe(true);
    const record = EphemeralHandle.hold(value, { kind: 'buffer', label: 'b' }).purge();
    expect(view.every((b) => b === 0)).toBe(true);
    expect(record.verified).toBe(true);
    expect(record.bytes).toBe(view.byteLength);
  });

  it('wipes only the window a subarray views', () => {
    const whole = planted(32);
    const window = whole.subarray(8, 16);
    EphemeralHandle.hold(window, { kind: 'buffer', label: 'window' }).purge();
    expect([...whole.subarray(8, 16)].every((b) => b === 0)).toBe(true);
    expect(whole[7]).not.toBe(0);
    expect(whole[16]).not.toBe(0);
  });

  it('treats a detached buffer as nothing left to wipe', () => {
    const bytes = planted(16);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    const record = EphemeralHandle.hold(bytes, { kind: 'buffer', label: 'detached' }).purge();
    expect(record).toMatchObject({ bytes: 0, verified: true, outcome: 'wiped' });
  });

  it('reports unverified zeros when a wiper cannot make the bytes read back as zero', () => {
    const stubborn: Wiper<Uint8Array> = {
      name: 'stubborn',
      matches: (v): v is Uint8Array => v instanceof Uint8Array,
      measure: (v) => v.byteLength,
      wipe: (v) => ({ method: 'nothing', bytes: v.byteLength, verified: v.every((b) => b === 0) }),
    };
    const record = EphemeralHandle.hold(planted(4), {
      kind: 'buffer',
      label: 'stubborn',
      wiper: stubborn,
    }).purge();
    expect(record.verified).toBe(false);
  });

  it('moves the value to a new handle without wiping, leaving the old one unusable', () => {
    const video = planted(256);
    const inner = EphemeralHandle.hold(video, { kind: 'video', label: 'video' });
    const outer = inner.move();
    expect(() => inner.value).toThrow(/moved/);
    expect(inner.record).toMatchObject({ outcome: 'moved', method: 'moved', bytes: 256 });
    expect(outer.value).toBe(video);
    expect(outer.createdAt).toBe(inner.createdAt);
    expect(video[0]).not.toBe(0);
    outer.purge();
    expect(video.every((b) => b === 0)).toBe(true);
  });

  it('refuses values no wiper can destroy, and labels that could carry data', () => {
    expect(() => EphemeralHandle.hold('a string' as unknown, { kind: 'buffer', label: 'x' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => EphemeralHandle.hold({}, { kind: 'buffer', label: 'x' })).toThrow(/No wiper/);
    expect(() =>
      EphemeralHandle.hold(new Uint8Array(1), { kind: 'buffer', label: 'IMG_2041 of Jane.jpg' }),
    ).toThrow(/label/);
    expect(() =>
      EphemeralHandle.hold(new Uint8Array(1), { kind: 'selfie' as never, label: 'x' }),
    ).toThrow(/kind/);
  });

  it('marks a handle unusable even when its wiper throws, and says so', () => {
    const failing: Wiper<Uint8Array> = {
      name: 'failing',
      matches: (v): v is Uint8Array => v instanceof Uint8Array,
      measure: (v) => v.byteLength,
      wipe: () => {
        throw new RangeError('device busy');
      },
    };
    const handle = EphemeralHandle.hold(planted(8), { kind: 'buffer', label: 'f', wiper: failing });
    let caught: unknown;
    try {
      handle.purge();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PurgeFailedError);
    const failure = caught as PurgeFailedError;
    expect(failure.errors[0]).toBeInstanceOf(RangeError);
    expect(failure.receipt.records[0]).toMatchObject({ outcome: 'failed', error: 'RangeError' });
    expect(() => handle.value).toThrow(PurgedError);
    // The failure was recorded once; a second purge does not rethrow.
    expect(handle.purge().outcome).toBe('failed');
  });

  it('uses the injected clock for lifetimes', () => {
    let now = 100;
    const handle = EphemeralHandle.hold(planted(4), {
      kind: 'buffer',
      label: 'timed',
      clock: { now: () => now },
    });
    now = 142.5;
    expect(handle.purge()).toMatchObject({ createdAt: 100, purgedAt: 142.5, lifetimeMs: 42.5 });
  });

  it('disposes through using and await using', async () => {
    const a = planted(8);
    const b = planted(8);
    {
      using handle = EphemeralHandle.hold(a, { kind: 'buffer', label: 'a' });
      expect(handle.isLive).toBe(true);
    }
    {
      await using handle = EphemeralHandle.hold(b, { kind: 'buffer', label: 'b' });
      expect(handle.isLive).toBe(true);
    }
    expect(a.every((x) => x === 0) && b.every((x) => x === 0)).toBe(true);
  });
});

describe('isAllZero', () => {
  it('finds a single non-zero byte at any offset and alignment', async () => {
    const { isAllZero } = await import('@vopop/core');
    const buffer = new ArrayBuffer(67);
    for (const start of [0, 1, 2, 3]) {
      for (const length of [0, 1, 3, 4, 5, 17, 60]) {
        const view = new Uint8Array(buffer, start, length);
        expect(isAllZero(view)).toBe(true);
        for (let i = 0; i < length; i++) {
          view[i] = 0x80;
          expect(isAllZero(view)).toBe(false);
          view[i] = 0;
        }
      }
    }
  });
});
