import { decodeVideoFile } from '../../templates/decodeVideoFile';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** Six background colours far apart, so a corner shows which frame was drawn even after H.264. */
export const distinctColours: readonly Rgb[] = [
  [220, 30, 30],
  [30, 200, 40],
  [40, 60, 220],
  [230, 210, 40],
  [40, 200, 210],
  [210, 50, 200],
];

/**
 * Decode `video` and return, per frame, the colour of pixel (4, 4): far from the face in every
 * template the background tests use, so it shows which background frame was drawn.
 */
export async function cornerColours(video: Uint8Array): Promise<Rgb[]> {
  const corners: Rgb[] = [];
  await decodeVideoFile(video, {
    onFrame: (rgba, width) => {
      const at = (4 * width + 4) * 4;
      corners.push([rgba[at]!, rgba[at + 1]!, rgba[at + 2]!]);
    },
  });
  return corners;
}
