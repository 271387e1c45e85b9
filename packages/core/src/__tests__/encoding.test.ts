import { describe, expect, it } from 'vitest';
import { EphemeralScope } from '../purge/ephemeralScope';
import { bt601LimitedColorSpace, i420ByteLength, rgbaToI420 } from '../encode/bt601';
import { decodeVideo } from '../encode/decodeVideo';
import { rotateRgba } from '../encode/rotateRgba';
import { WebCodecsVideoEncoder } from '../encode/webCodecsVideoEncoder';
import { WipingByteSink } from '../encode/wipingByteSink';
import { AbortedError } from '../errors/abortedError';
import { EncoderUnavailableError } from '../errors/encoderUnavailableError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { RenderFailedError } from '../errors/renderFailedError';

// These run without WebCodecs globals (plain Node): the platform-free parts, and the typed
// refusal when no encoder exists. Encoding itself is tested in the node adapter.

describe('rgbaToI420 (BT.601 limited range)', () => {
  const solid = (r: number, g: number, b: number): Uint8Array => {
    const rgba = new Uint8Array(4 * 4 * 4);
    for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
    return rgba;
  };
  const convert = (rgba: Uint8Array): [number, number, number] => {
    const out = new Uint8Array(i420ByteLength(4, 4));
    rgbaToI420(rgba, 4, 4, out);
    return [out[0]!, out[16]!, out[20]!];
  };

  it('maps black, white and the primaries to the standard studio-swing values', () => {
    expect(i420ByteLength(4, 4)).toBe(24);
    expect(convert(solid(0, 0, 0))).toEqual([16, 128, 128]);
    expect(convert(solid(255, 255, 255))).toEqual([235, 128, 128]);
    expect(convert(solid(255, 0, 0))).toEqual([81, 90, 240]);
    expect(convert(solid(0, 255, 0))).toEqual([145, 54, 34]);
    expect(convert(solid(0, 0, 255))).toEqual([41, 240, 110]);
  });

  it('averages chroma over each 2×2 block and keeps luma per pixel', () => {
    const rgba = solid(0, 0, 0);
    rgba.set([255, 255, 255, 255], 0); // top-left pixel white, the rest black
    const out = new Uint8Array(i420ByteLength(4, 4));
    rgbaToI420(rgba, 4, 4, out);
    expect([out[0], out[1], out[4]]).toEqual([235, 16, 16]);
    expect([out[16], out[20]]).toEqual([128, 128]);
  });

  it('says which colour space it produces', () => {
    expect(bt601LimitedColorSpace).toEqual({
      primaries: 'smpte170m',
      transfer: 'smpte170m',
      matrix: 'smpte170m',
      fullRange: false,
    });
  });
});

describe('rotateRgba', () => {
  // A 3×2 image whose pixels are numbered 1..6 (in the red channel), row by row.
  const image = new Uint8Array(6 * 4).map((_, i) => (i % 4 === 0 ? i / 4 + 1 : 0));
  const reds = (rgba: Uint8Array): number[] => [...rgba].filter((_, i) => i % 4 === 0);

  it('turns clockwise by 90, 180 and 270 degrees', () => {
    const out = new Uint8Array(image.length);
    rotateRgba(image, 3, 2, 90, out);
    // 1 2 3 / 4 5 6 turned clockwise is 4 1 / 5 2 / 6 3 (2 wide, 3 tall).
    expect(reds(out)).toEqual([4, 1, 5, 2, 6, 3]);
    rotateRgba(image, 3, 2, 180, out);
    expect(reds(out)).toEqual([6, 5, 4, 3, 2, 1]);
    rotateRgba(image, 3, 2, 270, out);
    expect(reds(out)).toEqual([3, 6, 2, 5, 1, 4]);
  });
});

describe('WipingByteSink', () => {
  it('assembles positioned writes and zeroes every buffer it outgrew', async () => {
    const sink = new WipingByteSink();
    const a = new Uint8Array(70_000).fill(7);
    const b = new Uint8Array([1, 2, 3]);
    sink.write(b, 0);
    sink.write(a, 3); // forces growth past the 64 KiB start
    sink.write(new Uint8Array([9]), 1); // back-patch, as a muxer does for sizes
    expect([...b]).toEqual([1, 2, 3]); // the writer's arrays are its own to wipe
    const bytes = sink.take();
    expect(bytes.byteLength).toBe(70_003);
    expect([...bytes.subarray(0, 4)]).toEqual([1, 9, 3, 7]);
    expect(sink.length).toBe(0);
    expect(() => sink.write(b, 0)).toThrow();
  });
});

describe('without WebCodecs', () => {
  it('open() refuses with EncoderUnavailableError and holds nothing', async () => {
    expect(typeof globalThis.VideoEncoder).toBe('undefined');
    using scope = new EphemeralScope({ label: 'test' });
    const error = await new WebCodecsVideoEncoder()
      .open({ width: 64, height: 64, fps: 30 }, scope)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncoderUnavailableError);
    expect(error).toMatchObject({ code: 'ENCODER_UNAVAILABLE', reason: 'no-webcodecs' });
    expect(scope.liveHandles).toBe(0);
  });

  it('checks options before the platform, and honours an aborted signal', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const encoder = new WebCodecsVideoEncoder();
    await expect(encoder.open({ width: 64, height: 64, fps: 30, codec: 'h265' as never }, scope)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      encoder.open({ width: 64, height: 64, fps: 30, bitrate: 5 }, scope),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      encoder.open({ width: 64, height: 64, fps: 30, signal: AbortSignal.abort() }, scope),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('decodeVideo refuses with EncoderUnavailableError', async () => {
    await expect(decodeVideo(new Uint8Array(16), () => undefined)).rejects.toBeInstanceOf(
      EncoderUnavailableError,
    );
  });
});

describe('encoding errors', () => {
  it('carry a literal code, their name, typed fields and no data in the message', () => {
    const unavailable = new EncoderUnavailableError('codec-unsupported', ['avc', 'vp9']);
    expect(unavailable.toJSON().code).toBe('ENCODER_UNAVAILABLE');
    expect(unavailable.name).toBe('EncoderUnavailableError');
    expect(unavailable.message).toContain('avc, vp9');
    expect(new EncoderUnavailableError('missing-package', []).message).toContain('@napi-rs/webcodecs');

    const cause = new Error('native failure');
    const failed = new RenderFailedError('encode', 12, { cause });
    expect(failed).toMatchObject({ code: 'RENDER_FAILED', name: 'RenderFailedError', stage: 'encode', frameIndex: 12 });
    expect(failed.cause).toBe(cause);
    expect(failed.message).toMatch(/^Video encode failed at frame 12\./);
  });
});
