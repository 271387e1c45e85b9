import { describe, expect, it } from 'vitest';
import type { PhotoView } from '../detect/photoView';
import { photoView, renderPhotoView, viewPointToPhoto, viewScale, viewSize } from '../detect/photoView';

/** A photo whose every pixel encodes its own position: r = x, g = y, b = 7. */
function positionPhoto(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgba.set([x, y, 7, 255], (y * width + x) * 4);
  }
  return rgba;
}

function render(rgba: Uint8Array, photoWidth: number, view: PhotoView): Float32Array {
  const { width, height } = viewSize(view);
  const out = new Float32Array(width * height * 3);
  renderPhotoView(rgba, photoWidth, view, out);
  return out;
}

describe('photo views (what the face models are given)', () => {
  it('leaves a photo within the size as it is, value for value', () => {
    const rgba = positionPhoto(40, 30);
    const view = photoView(0, 0, 40, 30, 64);
    expect(view).toMatchObject({ scaledWidth: 40, scaledHeight: 30, turns: 0 });
    const out = render(rgba, 40, view);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
      expect([out[j], out[j + 1], out[j + 2]]).toEqual([rgba[i], rgba[i + 1], rgba[i + 2]]);
    }
  });

  it('averages a larger photo down to the size, each value the mean of the pixels it covers', () => {
    const rgba = positionPhoto(200, 100);
    const view = photoView(0, 0, 200, 100, 50);
    expect(viewSize(view)).toEqual({ width: 50, height: 25 });
    expect(viewScale(view)).toBe(4);
    const out = render(rgba, 200, view);
    // View pixel (u, v) covers photo columns 4u…4u+3 and rows 4v…4v+3: mean x = 4u + 1.5.
    for (const [u, v] of [[0, 0], [13, 7], [49, 24]] as const) {
      const o = (v * 50 + u) * 3;
      expect([out[o], out[o + 1], out[o + 2]]).toEqual([4 * u + 1.5, 4 * v + 1.5, 7]);
    }
  });

  it('maps the centre of every view pixel back onto the centre of the photo pixels it came from, in every turn', () => {
    const rgba = positionPhoto(90, 60);
    const mapped = new Float64Array(2);
    for (const turns of [0, 1, 2, 3] as const) {
      // A crop of the photo, halved, then turned.
      const view = photoView(10, 4, 60, 40, 30, turns);
      const { width, height } = viewSize(view);
      expect(turns % 2 === 0 ? [width, height] : [height, width]).toEqual([30, 20]);
      const out = render(rgba, 90, view);
      for (let vy = 0; vy < height; vy++) {
        for (let vx = 0; vx < width; vx++) {
          viewPointToPhoto(view, vx + 0.5, vy + 0.5, mapped);
          const o = (vy * width + vx) * 3;
          // The pixel's mean position (pixel x holds value x, centred at x + 0.5).
          expect(out[o]! + 0.5).toBeCloseTo(mapped[0]!, 5);
          expect(out[o + 1]! + 0.5).toBeCloseTo(mapped[1]!, 5);
        }
      }
    }
  });

  it('turns clockwise: the top-left corner of the photo goes to the top-right after a quarter turn', () => {
    const view = photoView(0, 0, 8, 4, 100, 1);
    expect(viewSize(view)).toEqual({ width: 4, height: 8 });
    const corner = new Float64Array(2);
    viewPointToPhoto(view, 4, 0, corner); // the view's top-right corner
    expect(Array.from(corner)).toEqual([0, 0]);
    viewPointToPhoto(view, 0, 8, corner); // its bottom-left corner
    expect(Array.from(corner)).toEqual([8, 4]);
  });

  it('never enlarges a small crop and keeps at least one pixel', () => {
    expect(photoView(5, 5, 3, 2, 1280)).toMatchObject({ scaledWidth: 3, scaledHeight: 2 });
    expect(photoView(0, 0, 10_000, 1, 200)).toMatchObject({ scaledWidth: 200, scaledHeight: 1 });
  });
});
