/**
 * Shared set-up for the Node detection tests: fixture photos decoded with sharp into an
 * ephemeral scope, and the known landmark positions of portrait.jpg (from the fixtures README).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { EphemeralScope, RgbaImage } from '@vopop/core';
import { facesDir } from '../../../../fixtures/faces/facesDir';

export { facesDir };

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout root, found from this file. */
export const repoRoot = resolve(here, '..', '..', '..', '..');

/** Decode a fixture photo into RGBA pixels held in `scope`. */
export async function loadFace(name: string, scope: EphemeralScope): Promise<RgbaImage> {
  const { data, info } = await sharp(join(facesDir, name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.byteLength);
  pixels.set(data);
  data.fill(0);
  return { width: info.width, height: info.height, pixels: scope.hold(pixels, { kind: 'pixels', label: 'photo.pixels' }) };
}

/** portrait.jpg (820×1024): face box in pixels. */
export const portraitBox = { xMin: 305, yMin: 103, xMax: 504, yMax: 347 } as const;

/** portrait.jpg: eye contour keypoints, index → [x, y]. */
export const portraitEyes: ReadonlyArray<readonly [number, number, number]> = [
  [33, 345, 178], [7, 348, 179], [163, 352, 178], [144, 357, 179], [145, 365, 179], [153, 371, 179],
  [154, 378, 178], [155, 381, 177], [133, 383, 177], [246, 347, 175], [161, 350, 174], [160, 355, 172],
  [159, 362, 170], [158, 368, 171], [157, 375, 172], [173, 380, 175], [263, 467, 176], [249, 464, 177],
  [390, 460, 177], [373, 455, 178], [374, 448, 179], [380, 441, 179], [381, 435, 178], [382, 432, 177],
  [362, 430, 177], [466, 465, 175], [388, 462, 173], [387, 457, 171], [386, 450, 170], [385, 444, 171],
  [384, 437, 172], [398, 432, 175],
];

/** portrait.jpg: iris keypoints (478-point model only), index → [x, y]. */
export const portraitIrises: ReadonlyArray<readonly [number, number, number]> = [
  [468, 362, 175], [469, 371, 175], [470, 362, 167], [471, 354, 175], [472, 363, 182],
  [473, 449, 174], [474, 458, 174], [475, 449, 167], [476, 440, 174], [477, 449, 181],
];
