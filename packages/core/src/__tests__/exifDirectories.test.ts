import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageDecodeError, readExifOrientation } from '../index';
import { encodePng, exifWithOrientation, preparePhotoDecodeError } from './imageCodecsTestKit';

// EXIF directories (IFDs) that loop make libexif, which sharp runs on every photo it loads,
// spend seconds on a file of a few hundred bytes (the fuzz sweep: 3–46 s on a 696-byte PNG).
// The shared pre-decode checks refuse a loop or an excessive chain as corrupt; a camera's
// EXIF layout (IFD0, IFD1, Exif, GPS, Interoperability) passes.

interface Directory {
  /** Sub-directory pointers: [tag, index of the directory pointed at]. */
  readonly pointers?: readonly (readonly [number, number])[];
  /** Index of the next directory, or a raw offset with `nextOffset`. */
  readonly next?: number;
  readonly nextOffset?: number;
  readonly count?: number;
}

/** A little-endian TIFF block of `directories`, laid out one after another from offset 8. */
function tiff(directories: readonly Directory[]): Uint8Array {
  const sizes = directories.map((d) => 2 + 12 * (d.pointers?.length ?? 0) + 4);
  const offsets = sizes.map((_, i) => 8 + sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const b = Buffer.alloc(8 + sizes.reduce((a, b) => a + b, 0));
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  directories.forEach((d, i) => {
    const at = offsets[i]!;
    const pointers = d.pointers ?? [];
    b.writeUInt16LE(d.count ?? pointers.length, at);
    pointers.forEach(([tag, target], j) => {
      const entry = at + 2 + 12 * j;
      b.writeUInt16LE(tag, entry);
      b.writeUInt16LE(4, entry + 2); // LONG
      b.writeUInt32LE(1, entry + 4);
      b.writeUInt32LE(offsets[target]!, entry + 8);
    });
    const next = d.nextOffset ?? (d.next === undefined ? 0 : offsets[d.next]!);
    b.writeUInt32LE(next, at + 2 + 12 * pointers.length);
  });
  return new Uint8Array(b);
}

const exifIfd = 0x8769;
const gpsIfd = 0x8825;
const interopIfd = 0xa005;

/** IFD0 → Exif (→ Interop), GPS; next → IFD1: what a camera writes. */
const cameraLayout = tiff([
  { pointers: [[exifIfd, 2], [gpsIfd, 3]], next: 1 },
  {},
  { pointers: [[interopIfd, 4]] },
  {},
  {},
]);

const chain = (length: number): Uint8Array =>
  tiff(Array.from({ length }, (_, i) => (i + 1 < length ? { next: i + 1 } : {})));

function pngWith(...exif: Uint8Array[]): Uint8Array {
  const [first, ...more] = exif;
  return encodePng({
    width: 2,
    height: 2,
    colourType: 0,
    depth: 8,
    samples: new Uint16Array(4),
    ...(first === undefined ? {} : { exif: first }),
    extra: more.map((data) => ({ type: 'eXIf', data })),
  });
}

function expectCorrupt(bytes: Uint8Array, format: string): void {
  const error = preparePhotoDecodeError(bytes);
  expect(error).toBeInstanceOf(ImageDecodeError);
  expect(error).toMatchObject({ code: 'IMAGE_DECODE', reason: 'corrupt', format });
}

describe('EXIF directories that loop', () => {
  it.each([
    ['IFD0 whose next link is itself', tiff([{ next: 0 }])],
    ['IFD0 with an Exif pointer to itself (the fuzz bomb, 40 of them)', tiff([{ pointers: Array.from({ length: 40 }, () => [exifIfd, 0] as const) }])],
    ['an Interoperability pointer back to IFD0', tiff([{ pointers: [[exifIfd, 1]] }, { pointers: [[interopIfd, 0]] }])],
    ['IFD1 whose next link goes back to IFD0', tiff([{ next: 1 }, { next: 0 }])],
    ['17 directories chained without a loop', chain(17)],
  ])('are refused as corrupt: %s', (_name, block) => {
    expectCorrupt(pngWith(block), 'png');
  });

  it('are refused in any EXIF block of the file, not only the first (sharp may read another)', () => {
    expect(preparePhotoDecodeError(pngWith(cameraLayout))).toBeUndefined();
    expectCorrupt(pngWith(cameraLayout, tiff([{ next: 0 }])), 'png');
  });

  it('are refused in a JPEG (APP1 Exif) too', async () => {
    const jpeg = new Uint8Array(
      await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 9, g: 9, b: 9 } } }).jpeg().toBuffer(),
    );
    const app1 = (block: Uint8Array): Buffer => {
      const head = Buffer.alloc(10);
      head.writeUInt16BE(0xffe1, 0);
      head.writeUInt16BE(8 + block.byteLength, 2);
      head.write('Exif\0\0', 4, 'latin1');
      return Buffer.concat([head, block]);
    };
    const withApp1 = (block: Uint8Array) => new Uint8Array(Buffer.concat([jpeg.subarray(0, 2), app1(block), jpeg.subarray(2)]));
    expect(preparePhotoDecodeError(withApp1(cameraLayout))).toBeUndefined();
    expectCorrupt(withApp1(tiff([{ pointers: [[gpsIfd, 0]] }])), 'jpeg');
  });
});

describe('EXIF directories that do not loop', () => {
  it.each([
    ['a camera’s layout: IFD0, IFD1, Exif, GPS, Interoperability', cameraLayout],
    ['16 directories chained', chain(16)],
    ['an orientation tag only', exifWithOrientation(6)],
    ['a next link past the end (readers stop there)', tiff([{ nextOffset: 0xfffffff0 }])],
    ['65535 declared entries in a short block (cut off, not a loop)', tiff([{ count: 0xffff }])],
  ])('pass: %s', (_name, block) => {
    expect(preparePhotoDecodeError(pngWith(block))).toBeUndefined();
  });

  it('still give the orientation from the first block', () => {
    expect(readExifOrientation(pngWith(exifWithOrientation(6), exifWithOrientation(3)), 'png')).toBe(6);
  });
});
