/**
 * Fill a `side × side × 3` float tensor (RGB, rows top to bottom) by sampling an RGBA photo
 * bilinearly at the photo point each output pixel's centre maps to, with edge pixels repeated
 * beyond the photo's border or a constant `outside` value (the letterbox's padding). Channel
 * values 0…255 become `low…high`.
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
  let o = 0;
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const [px, py] = toPhoto((col + 0.5) / side, (row + 0.5) / side);
      const x = px - 0.5;
      const y = py - 0.5;
      if (range.outside !== undefined && (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5)) {
        out[o++] = range.outside;
        out[o++] = range.outside;
        out[o++] = range.outside;
        continue;
      }
      const x0 = Math.max(0, Math.min(width - 1, Math.floor(x)));
      const y0 = Math.max(0, Math.min(height - 1, Math.floor(y)));
      const x1 = Math.min(width - 1, x0 + 1);
      const y1 = Math.min(height - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, x - x0));
      const fy = Math.max(0, Math.min(1, y - y0));
      const i00 = (y0 * width + x0) * 4;
      const i10 = (y0 * width + x1) * 4;
      const i01 = (y1 * width + x0) * 4;
      const i11 = (y1 * width + x1) * 4;
      for (let c = 0; c < 3; c++) {
        const top = pixels[i00 + c]! + (pixels[i10 + c]! - pixels[i00 + c]!) * fx;
        const bottom = pixels[i01 + c]! + (pixels[i11 + c]! - pixels[i01 + c]!) * fx;
        out[o++] = range.low + (top + (bottom - top) * fy) * scale;
      }
    }
  }
}
