/**
 * Arithmetic on RGBA pixels packed in one 32-bit word, as seen through a `Uint32Array` view of
 * an RGBA byte buffer.
 *
 * Backgrounds have ~5 ms for a 720×1280 frame, so moving parts are blended a whole pixel at a
 * time instead of byte by byte. The blend works on the byte pairs 0+2 and 1+3 of each word, so it
 * is correct on either byte order; only {@link packRgba} needs to know it, and it finds out by
 * writing bytes and reading the word back rather than by asking the platform.
 */

const bytes = new Uint8Array(4);
const word = new Uint32Array(bytes.buffer);

/** The 32-bit word whose bytes in memory are r, g, b, a (in that order on every platform). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  bytes[0] = r;
  bytes[1] = g;
  bytes[2] = b;
  bytes[3] = a;
  return word[0]!;
}

/** An sRGB colour as three bytes. */
export type Rgb = readonly [r: number, g: number, b: number];

/** `#rrggbb` → [r, g, b]. The schema has already checked the form. */
export function parseHexColour(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

/**
 * `from` moved towards `to` by `alpha` / 256 (`alpha` an integer 0…256), every channel at once.
 * Both weights sum to 256, so the pair sums never leave 32 bits.
 */
export function lerpPacked(from: number, to: number, alpha: number): number {
  const inverse = 256 - alpha;
  const rb = (((from & 0xff00ff) * inverse + (to & 0xff00ff) * alpha) >>> 8) & 0xff00ff;
  const ga = ((((from >>> 8) & 0xff00ff) * inverse + ((to >>> 8) & 0xff00ff) * alpha) >>> 8) & 0xff00ff;
  return (rb | (ga << 8)) >>> 0;
}

/** Screen blend of one channel: brightens, never exceeds 255. */
export function screenChannel(base: number, light: number): number {
  return 255 - (((255 - base) * (255 - light)) / 255) | 0;
}
