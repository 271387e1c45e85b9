/**
 * Fill a `side × side × 3` float tensor (RGB, rows top to bottom) by sampling an RGBA photo
 * bilinearly, with edge pixels repeated beyond the photo's border or a constant `outside` value
 * (the letterbox's padding). Channel values 0…255 become `low…high`.
 *
 * The sampling grid is the one the SDK's tfjs detector uses (face-landmarks-detection's
 * `convertImageToTensor`, a port of MediaPipe's image-to-tensor step over `tf.image.transform`):
 * output pixel `(col, row)` takes the region's point `(col / side, row / side)`, read as a pixel
 * index of the photo (index `i` is pixel `i`'s centre), and with `outside` each of the four
 * neighbours beyond the photo counts as padding. A pixel-centre grid (`(col + 0.5) / side`) is
 * the tidier choice but shows the model the photo shifted by half a tensor pixel minus half a
 * photo pixel: 3.6 photo pixels for the detector's 128-pixel view of a 1000-pixel photo, enough to
 * move the landmarks by up to 3.5 px and a face box edge by 5.4 px against the tfjs detector.
 * On this grid the two agree to 0.0001 px on the fixtures.
 *
 * The tensor is a new buffer the caller holds in its scope and wipes: it is a copy of the face.
 *
 * @internal
 */
export function sampleRgbToTensor(
  pixels: Uint8Array,
  width: number,
  height: number,
  side: number,
  toPhoto: (u: number, v: number) => [number, number],
  range: { readonly low: number; readonly high: number; readonly outside?: number },
  out: Float32Array,
): void {
  const scale = (range.high - range.low) / 255;
  const padded = range.outside !== undefined;
  // The padding as a channel value, so that it blends with the photo's edge like one.
  const fill = padded ? (range.outside! - range.low) / scale : 0;
  const at = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? fill : pixels[(y * width + x) * 4 + c]!;
  let o = 0;
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      let [x, y] = toPhoto(col / side, row / side);
      if (!padded) {
        // Edge pixels repeat: the point is held inside the photo.
        x = Math.max(0, Math.min(width - 1, x));
        y = Math.max(0, Math.min(height - 1, y));
      }
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      for (let c = 0; c < 3; c++) {
        const top = at(x0, y0, c) + (at(x0 + 1, y0, c) - at(x0, y0, c)) * fx;
        const bottom = at(x0, y0 + 1, c) + (at(x0 + 1, y0 + 1, c) - at(x0, y0 + 1, c)) * fx;
        out[o++] = range.low + (top + (bottom - top) * fy) * scale;
      }
    }
  }
}
