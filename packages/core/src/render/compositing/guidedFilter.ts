/**
 * Mean over the (2r+1)² window around every pixel of `src` (`width × height`), clipped at the
 * edges, into `out`, through a summed-area table in `table` (`(width + 1) × (height + 1)`).
 */
function boxMean(src: Float32Array, width: number, height: number, r: number, table: Float64Array, out: Float32Array): void {
  const stride = width + 1;
  for (let x = 0; x <= width; x++) table[x] = 0;
  for (let y = 0; y < height; y++) {
    let row = 0;
    const at = (y + 1) * stride;
    table[at] = 0;
    for (let x = 0; x < width; x++) {
      row += src[y * width + x]!;
      table[at + x + 1] = table[at - stride + x + 1]! + row;
    }
  }
  for (let y = 0; y < height; y++) {
    const top = Math.max(0, y - r);
    const bottom = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const left = Math.max(0, x - r);
      const right = Math.min(width, x + r + 1);
      const sum = table[bottom * stride + right]! - table[top * stride + right]! - table[bottom * stride + left]! + table[top * stride + left]!;
      out[y * width + x] = sum / ((bottom - top) * (right - left));
    }
  }
}

/**
 * He, Sun and Tang's guided filter (2010) with a grey guide: `p` (a coarse matte, upsampled)
 * filtered so that its edges follow those of `guide` (the photo's luminance, 0…1), which is what
 * turns a 256-cell matte into hair edges at photo resolution. The result replaces `p`.
 * `radius` is the window's half-size in pixels; `epsilon` how large a variance of the guide counts
 * as an edge (smaller: follows finer edges).
 *
 * Every scratch buffer holds values derived from the photo and is zero-filled before returning.
 *
 * @internal
 */
export function guidedFilter(guide: Float32Array, p: Float32Array, width: number, height: number, radius: number, epsilon: number): void {
  const n = width * height;
  const table = new Float64Array((width + 1) * (height + 1));
  const meanI = new Float32Array(n);
  const meanP = new Float32Array(n);
  const product = new Float32Array(n);
  const corrIP = new Float32Array(n);
  const corrII = new Float32Array(n);
  try {
    boxMean(guide, width, height, radius, table, meanI);
    boxMean(p, width, height, radius, table, meanP);
    for (let i = 0; i < n; i++) product[i] = guide[i]! * p[i]!;
    boxMean(product, width, height, radius, table, corrIP);
    for (let i = 0; i < n; i++) product[i] = guide[i]! * guide[i]!;
    boxMean(product, width, height, radius, table, corrII);
    // a = cov(I, p) / (var(I) + ε), b = mean(p) − a·mean(I); reuse corrIP for a, meanP for b.
    for (let i = 0; i < n; i++) {
      const mi = meanI[i]!;
      const a = (corrIP[i]! - mi * meanP[i]!) / (corrII[i]! - mi * mi + epsilon);
      corrIP[i] = a;
      meanP[i] = meanP[i]! - a * mi;
    }
    boxMean(corrIP, width, height, radius, table, product);
    boxMean(meanP, width, height, radius, table, corrII);
    for (let i = 0; i < n; i++) p[i] = product[i]! * guide[i]! + corrII[i]!;
  } finally {
    table.fill(0);
    meanI.fill(0);
    meanP.fill(0);
    product.fill(0);
    corrIP.fill(0);
    corrII.fill(0);
  }
}
