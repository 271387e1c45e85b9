/**
 * The well-formed images the fuzzer mutates: the face fixtures, plus small images sharp and
 * core's test PNG writer make in every layout the decoders branch on (baseline and progressive
 * JPEG, grey, CMYK, EXIF-rotated; lossy, lossless and alpha WebP; palette, 16-bit, interlaced
 * PNG). Built the same way on every run, so a seed replays the same inputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodePng, exifWithOrientation } from '../packages/core/src/__tests__/imageCodecsTestKit';
import { facesDir } from '../fixtures/faces/facesDir';
import { fuzzRandom } from './fuzzRandom';

/** One seed image and the format its bytes really are. */
export interface SeedImage {
  readonly name: string;
  readonly format: 'jpeg' | 'png' | 'webp';
  readonly bytes: Uint8Array;
}

function noise(width: number, height: number, channels: 1 | 3 | 4, seed: number): Buffer {
  // Smooth gradients plus noise: compresses like a photo, not like random bytes.
  const random = fuzzRandom(seed);
  const out = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        out[(y * width + x) * channels + c] = ((x * (c + 3) + y * (5 - c)) * 4 + random.below(32)) & 0xff;
      }
    }
  }
  return out;
}

const raw = (width: number, height: number, channels: 1 | 3 | 4, seed: number) =>
  sharp(noise(width, height, channels, seed), { raw: { width, height, channels } });

/** Build the seed images (about a second, once per fuzz process). */
export async function seedImages(): Promise<readonly SeedImage[]> {
  const fixture = (name: string, format: SeedImage['format']): SeedImage => ({
    name,
    format,
    bytes: new Uint8Array(readFileSync(join(facesDir, name))),
  });
  const made = async (name: string, format: SeedImage['format'], image: Promise<Buffer>): Promise<SeedImage> => ({
    name,
    format,
    bytes: new Uint8Array(await image),
  });
  const samples = (count: number, depth: number, seed: number) => {
    const random = fuzzRandom(seed);
    return Uint16Array.from({ length: count }, () => random.below(2 ** depth));
  };
  return [
    fixture('portrait_small.jpg', 'jpeg'),
    fixture('pose_small_face.jpg', 'jpeg'),
    fixture('astronaut.png', 'png'),
    await made('baseline.jpg', 'jpeg', raw(64, 48, 3, 1).jpeg({ quality: 80 }).toBuffer()),
    await made('baseline444.jpg', 'jpeg', raw(40, 30, 3, 2).jpeg({ chromaSubsampling: '4:4:4' }).toBuffer()),
    await made('progressive.jpg', 'jpeg', raw(48, 64, 3, 3).jpeg({ progressive: true }).toBuffer()),
    await made('grey.jpg', 'jpeg', raw(33, 17, 1, 4).jpeg().toBuffer()),
    await made('cmyk.jpg', 'jpeg', raw(24, 24, 3, 5).toColourspace('cmyk').jpeg().toBuffer()),
    await made('rotated.jpg', 'jpeg', raw(32, 20, 3, 6).jpeg().withMetadata({ orientation: 6 }).toBuffer()),
    await made('lossy.webp', 'webp', raw(64, 48, 3, 7).webp({ quality: 70 }).toBuffer()),
    await made('lossless.webp', 'webp', raw(31, 29, 3, 8).webp({ lossless: true }).toBuffer()),
    await made('alpha.webp', 'webp', raw(40, 40, 4, 9).webp({ quality: 60, alphaQuality: 50 }).toBuffer()),
    await made('rotated.webp', 'webp', raw(30, 20, 3, 10).webp().withMetadata({ orientation: 8 }).toBuffer()),
    await made('palette.png', 'png', raw(50, 40, 3, 11).png({ palette: true, colours: 16 }).toBuffer()),
    {
      name: 'deep-interlaced.png',
      format: 'png',
      bytes: encodePng({ width: 19, height: 13, colourType: 6, depth: 16, interlace: true, samples: samples(19 * 13 * 4, 16, 12) }),
    },
    {
      name: 'grey-alpha-exif.png',
      format: 'png',
      bytes: encodePng({
        width: 21,
        height: 11,
        colourType: 4,
        depth: 8,
        samples: samples(21 * 11 * 2, 8, 13),
        exif: exifWithOrientation(3, false),
      }),
    },
    {
      name: 'two-bit-palette.png',
      format: 'png',
      bytes: encodePng({
        width: 17,
        height: 9,
        colourType: 3,
        depth: 2,
        samples: samples(17 * 9, 2, 14),
        palette: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]),
        transparency: new Uint8Array([255, 128]),
      }),
    },
  ];
}
