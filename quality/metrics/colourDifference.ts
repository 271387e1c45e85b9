/**
 * Colour differences in CIE L*a*b* (D65), for the seam metric: how far apart two colours look.
 */

/** A colour in CIE L*a*b*: `[L, a, b]`. */
export type Lab = readonly [number, number, number];

/** sRGB 0…255 → linear light 0…1 (the IEC 61966-2-1 curve). */
function srgbToLinear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

// D65 reference white of the XYZ space sRGB is defined in.
const whiteX = 0.95047;
const whiteY = 1;
const whiteZ = 1.08883;

function labCurve(t: number): number {
  const epsilon = 216 / 24389;
  const kappa = 24389 / 27;
  return t > epsilon ? Math.cbrt(t) : (kappa * t + 16) / 116;
}

/**
 * Convert an 8-bit sRGB colour to CIE L*a*b* under D65.
 *
 * @param r - red, 0…255 (fractions allowed: means of many pixels are fine)
 * @param g - green, 0…255
 * @param b - blue, 0…255
 * @returns `[L, a, b]`, L in 0…100
 */
export function srgbToLab(r: number, g: number, b: number): Lab {
  const lr = srgbToLinear(r);
  const lg = srgbToLinear(g);
  const lb = srgbToLinear(b);
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / whiteX;
  const y = (0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb) / whiteY;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / whiteZ;
  const fx = labCurve(x);
  const fy = labCurve(y);
  const fz = labCurve(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/**
 * CIE 1976 colour difference: the Euclidean distance in L*a*b*. About 2.3 is a just-noticeable
 * difference.
 */
export function deltaE76(first: Lab, second: Lab): number {
  return Math.hypot(first[0] - second[0], first[1] - second[1], first[2] - second[2]);
}

const degrees = 180 / Math.PI;
const radians = Math.PI / 180;

/** Hue angle in degrees, 0…360. */
function hueDegrees(b: number, a: number): number {
  if (a === 0 && b === 0) return 0;
  const h = Math.atan2(b, a) * degrees;
  return h < 0 ? h + 360 : h;
}

/**
 * CIEDE2000 colour difference (kL = kC = kH = 1), as specified by Sharma, Wu and Dalal (2005),
 * whose published test pairs the unit test checks. Unlike ΔE76 it weighs lightness, chroma and
 * hue as the eye does, so a step of 1 means about the same visibility anywhere in colour space.
 */
export function deltaE2000(first: Lab, second: Lab): number {
  const [l1, a1, b1] = first;
  const [l2, a2, b2] = second;
  const c1 = Math.hypot(a1, b1);
  const c2 = Math.hypot(a2, b2);
  const cMean7 = ((c1 + c2) / 2) ** 7;
  const g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + 25 ** 7)));
  const a1p = (1 + g) * a1;
  const a2p = (1 + g) * a2;
  const c1p = Math.hypot(a1p, b1);
  const c2p = Math.hypot(a2p, b2);
  const h1p = hueDegrees(b1, a1p);
  const h2p = hueDegrees(b2, a2p);

  const dL = l2 - l1;
  const dC = c2p - c1p;
  let dh = 0;
  if (c1p * c2p !== 0) {
    dh = h2p - h1p;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(c1p * c2p) * Math.sin((dh / 2) * radians);

  const lMean = (l1 + l2) / 2;
  const cMeanP = (c1p + c2p) / 2;
  let hMean = h1p + h2p;
  if (c1p * c2p !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hMean /= 2;
    else hMean = hMean < 360 ? (hMean + 360) / 2 : (hMean - 360) / 2;
  }
  const t =
    1 -
    0.17 * Math.cos((hMean - 30) * radians) +
    0.24 * Math.cos(2 * hMean * radians) +
    0.32 * Math.cos((3 * hMean + 6) * radians) -
    0.2 * Math.cos((4 * hMean - 63) * radians);
  const dTheta = 30 * Math.exp(-(((hMean - 275) / 25) ** 2));
  const cMeanP7 = cMeanP ** 7;
  const rC = 2 * Math.sqrt(cMeanP7 / (cMeanP7 + 25 ** 7));
  const sL = 1 + (0.015 * (lMean - 50) ** 2) / Math.sqrt(20 + (lMean - 50) ** 2);
  const sC = 1 + 0.045 * cMeanP;
  const sH = 1 + 0.015 * cMeanP * t;
  const rT = -Math.sin(2 * dTheta * radians) * rC;
  const lTerm = dL / sL;
  const cTerm = dC / sC;
  const hTerm = dH / sH;
  return Math.sqrt(lTerm * lTerm + cTerm * cTerm + hTerm * hTerm + rT * cTerm * hTerm);
}
