import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageDecodeError, readPhotoHeader } from '../index';
import { photoTooShortForSize } from '../decode/photoHeader';
import { preparePhotoDecodeError } from './imageCodecsTestKit';

// A JPEG whose frame header declares megapixels over a few hundred bytes of scan data decodes,
// in libjpeg and mozjpeg alike, as a grey image of the declared size (seconds of CPU and the
// whole pixel buffer): the fuzz sweep found 1.4 KB files declaring 19–40 MP. The shared
// pre-decode checks refuse such a file as truncated; no complete photo may ever be refused.

const grey = { r: 128, g: 128, b: 128 };

/** A real, flat-grey JPEG: the most compressible photo an encoder makes. */
function flatJpeg(width: number, height: number, options: sharp.JpegOptions = {}): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 3, background: grey } })
    .jpeg(options)
    .toBuffer()
    .then((buffer) => new Uint8Array(buffer));
}

/** `jpeg` with its SOF0 frame header rewritten to declare `width` × `height` (the data stays). */
function declaring(jpeg: Uint8Array, width: number, height: number, marker = 0xc0): Uint8Array {
  const out = jpeg.slice();
  const at = Buffer.from(out).indexOf(Buffer.from([0xff, 0xc0]));
  if (at < 0) throw new Error('no SOF0 in the encoded JPEG');
  out[at + 1] = marker;
  Buffer.from(out.buffer).writeUInt16BE(height, at + 5);
  Buffer.from(out.buffer).writeUInt16BE(width, at + 7);
  return out;
}

/** `jpeg` with a comment segment of `size` bytes inserted after SOI, before the scan. */
function padded(jpeg: Uint8Array, size: number): Uint8Array {
  const comment = Buffer.alloc(4 + size, 0x20);
  comment.writeUInt16BE(0xfffe, 0);
  comment.writeUInt16BE(2 + size, 2);
  return new Uint8Array(Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2)]));
}

describe('a JPEG far too short for the size it declares', () => {
  it('is refused as truncated before decoding (the fuzz sweep’s 6000×3150 over a few hundred bytes)', async () => {
    const small = await flatJpeg(64, 48);
    expect(preparePhotoDecodeError(small)).toBeUndefined();

    const hostile = declaring(small, 6000, 3150);
    expect(hostile.byteLength).toBeLessThan(1500);
    const error = preparePhotoDecodeError(hostile);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect(error).toMatchObject({ code: 'IMAGE_DECODE', reason: 'truncated', format: 'jpeg' });
  });

  it('counts only the bytes from the first scan on, so metadata padding does not hide it', async () => {
    const hostile = padded(declaring(await flatJpeg(64, 48), 6000, 3150), 20_000);
    expect(hostile.byteLength).toBeGreaterThan(6000 * 3150 / 4096);
    expect(preparePhotoDecodeError(hostile)).toMatchObject({ reason: 'truncated' });
  });

  it('leaves an arithmetic-coded frame alone (its coder has no per-block minimum)', async () => {
    const arithmetic = declaring(await flatJpeg(64, 48), 6000, 3150, 0xc9);
    expect(photoTooShortForSize(arithmetic, readPhotoHeader(arithmetic))).toBe(false);
  });
});

describe('complete photos are never refused by the length check', () => {
  // The flattest 16 MP photos real encoders make: mozjpeg's optimised progressive scans reach
  // about 340 pixels per byte, against the refusal bound of 4096.
  const cases: [string, sharp.JpegOptions][] = [
    ['baseline', {}],
    ['progressive', { progressive: true }],
    ['mozjpeg, quality 1', { mozjpeg: true, quality: 1 }],
  ];
  it.each(cases)('a flat-grey 4000×4000 JPEG, %s', async (_name, options) => {
    const jpeg = await flatJpeg(4000, 4000, options);
    expect(photoTooShortForSize(jpeg, readPhotoHeader(jpeg))).toBe(false);
    expect(preparePhotoDecodeError(jpeg)).toBeUndefined();
  });

  it('PNG and WebP, whose coders can spend almost nothing on a flat image', async () => {
    const create = { create: { width: 4000, height: 4000, channels: 3 as const, background: grey } };
    const webp = new Uint8Array(await sharp(create).webp({ lossless: true }).toBuffer());
    const png = new Uint8Array(await sharp(create).greyscale().png({ palette: true, colours: 2 }).toBuffer());
    // Both far smaller than a JPEG could be at this size: no bound like JPEG's would be safe.
    expect(webp.byteLength).toBeLessThan(16_000_000 / 4096);
    expect(png.byteLength).toBeLessThan(16_000_000 / 4096);
    expect(preparePhotoDecodeError(webp)).toBeUndefined();
    expect(preparePhotoDecodeError(png)).toBeUndefined();
  });
});
