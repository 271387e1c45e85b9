/**
 * The SSD anchors of MediaPipe's short-range face detector (BlazeFace, 128×128 input), as its
 * graph's `SsdAnchorsCalculator` generates them: four layers with strides 8, 16, 16, 16, two
 * anchors per cell and layer (aspect ratio 1 and the interpolated scale), layers of the same
 * stride merged into one grid, and a fixed anchor size of 1. That gives 16·16·2 + 8·8·6 = 896
 * anchor centres, in normalised input coordinates, in the order the model's outputs use.
 *
 * @internal
 */
export function blazeFaceShortRangeAnchors(): Float32Array {
  const inputSize = 128;
  const strides = [8, 16, 16, 16];
  const centres: number[] = [];
  let layer = 0;
  while (layer < strides.length) {
    // Consecutive layers with the same stride share one grid: their anchors sit together per cell.
    let last = layer;
    while (last + 1 < strides.length && strides[last + 1] === strides[layer]) last++;
    const anchorsPerCell = (last - layer + 1) * 2;
    const cells = Math.ceil(inputSize / strides[layer]!);
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let a = 0; a < anchorsPerCell; a++) centres.push((x + 0.5) / cells, (y + 0.5) / cells);
      }
    }
    layer = last + 1;
  }
  return Float32Array.from(centres);
}
