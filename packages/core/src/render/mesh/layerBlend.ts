/**
 * Blend the face layer (one RGBA word per frame pixel, alpha = the face's opacity) over `frame`
 * inside `box` (`[x0, y0, x1, y1]`, inclusive): the plain feathered blend, whose only softness
 * is the ring's fade. Frame alpha is left as it is; pixels the face does not reach are not
 * written. This is `quality: 'draft'`, and the last step of the other qualities.
 *
 * @internal
 */
export function blendLayer(frame: Uint8Array, frameWidth: number, layer: Int32Array, box: Int32Array): void {
  const x0 = box[0]!;
  const x1 = box[2]!;
  for (let y = box[1]!; y <= box[3]!; y++) {
    let o = y * frameWidth + x0;
    for (let x = x0; x <= x1; x++, o++) {
      const p = layer[o]!;
      const a = p >>> 24;
      if (a === 0) continue;
      const b = o << 2;
      if (a === 255) {
        frame[b] = p & 255;
        frame[b + 1] = (p >> 8) & 255;
        frame[b + 2] = (p >> 16) & 255;
        continue;
      }
      const w = a + (a >> 7);
      const r0 = frame[b]!;
      const g0 = frame[b + 1]!;
      const b0 = frame[b + 2]!;
      frame[b] = r0 + ((((p & 255) - r0) * w + 128) >> 8);
      frame[b + 1] = g0 + ((((p >>> 8) & 255) - g0) * w + 128 >> 8);
      frame[b + 2] = b0 + ((((p >>> 16) & 255) - b0) * w + 128 >> 8);
    }
  }
}
