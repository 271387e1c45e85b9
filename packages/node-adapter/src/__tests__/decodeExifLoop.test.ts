import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { EphemeralScope, ImageDecodeError } from '@vopop/core';
import { NodeImageDecoder } from '../decode/nodeImageDecoder';
import { WasmImageDecoder } from '../decode/wasmImageDecoder';
import { pngChunk } from './support/pngChunk';

// The fuzz sweep's EXIF bomb (seed 1, input 2): a PNG whose eXIf IFD0 holds 40 Exif, GPS and
// Interoperability pointers back to IFD0. libexif (inside sharp's libvips) followed them for
// 3–46 s (4 s for `metadata()` alone on an idle machine) before decoding the image as `ok`.
// Both decoders must refuse it before a codec sees it.

const pointerTags = [0x8769, 0x8825, 0xa005];

/** A little-endian TIFF block: IFD0 with `pointers` sub-directory pointers to itself. */
function selfPointingExif(pointers: number): Uint8Array {
  const b = Buffer.alloc(8 + 2 + 12 * pointers + 4);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(pointers, 8);
  for (let i = 0; i < pointers; i++) {
    const entry = 10 + 12 * i;
    b.writeUInt16LE(pointerTags[i % pointerTags.length]!, entry);
    b.writeUInt16LE(4, entry + 2);
    b.writeUInt32LE(1, entry + 4);
    b.writeUInt32LE(8, entry + 8);
  }
  return new Uint8Array(b);
}

async function pngWithExif(exif: Uint8Array): Promise<Uint8Array> {
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 40, g: 90, b: 140 } } })
    .png()
    .toBuffer();
  // After the signature (8 bytes) and IHDR (25 bytes), where the fuzz puts it.
  return new Uint8Array(Buffer.concat([png.subarray(0, 33), pngChunk('eXIf', exif), png.subarray(33)]));
}

describe.each([
  ['NodeImageDecoder (sharp)', () => new NodeImageDecoder()],
  ['WasmImageDecoder', () => new WasmImageDecoder()],
])('%s and EXIF directories that loop', (_name, decoder) => {
  it('refuses them as corrupt before decoding, holding nothing', async () => {
    const bytes = await pngWithExif(selfPointingExif(40));
    const scope = new EphemeralScope({ label: 'exif-loop' });
    const error = await decoder()
      .decode(bytes, scope)
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect(error).toMatchObject({ code: 'IMAGE_DECODE', reason: 'corrupt', format: 'png' });
    expect(scope.liveHandles).toBe(0);
    scope.purge();
  });

  it('still decodes the same image with a well-formed EXIF block', async () => {
    const scope = new EphemeralScope({ label: 'exif-ok' });
    const wellFormed = selfPointingExif(1);
    wellFormed.set([0x12, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0], 10); // Orientation = 1 instead
    const image = await decoder().decode(await pngWithExif(wellFormed), scope);
    expect([image.width, image.height]).toEqual([16, 16]);
    scope.purge();
  });
});
