/**
 * The head layer skips the pixels the mesh face will cover opaquely (the "hole" the local
 * renderer passes it per frame, from `MeshFaceRenderer.opaqueCover`). That is only a saving if
 * the frame comes out the same: here a real fixture face is drawn as the renderer draws it (head
 * layer, then the mesh face on the built-in motion preset, placed by a built-in template's track)
 * over a noise background, once with the hole and once without, and every byte must agree, on
 * every frame, with the mouth open and the head turned. The hole must also be a real one (a
 * large share of the layer), or the test would pass with the feature missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { isAllZero } from '../purge/zeroFill';
import { fivePointsFromMesh } from '../align/fivePoints';
import { fitSimilarity } from '../geometry/fitSimilarity';
import { buildHeadMatte, headMatteWiper, headSegmentationRegion } from '../render/compositing/headMatte';
import { createHeadLayer } from '../render/compositing/headLayer';
import type { FaceCompositor } from '../render/compositing/faceCompositor';
import { createMeshFaceRenderer } from '../render/mesh/meshFaceRenderer';
import type { MeshFaceRenderer } from '../render/mesh/meshFaceRenderer';
import { getBuiltInTemplate } from '../templates/builtInTemplates';
import { resolveFaceTrack } from '../templates/resolveFaceTrack';
import { loadFaceWithMesh } from './meshTestKit';

const width = 720;
const height = 1280;

let scope: EphemeralScope;
let photo: RgbaImage;
let face: FaceLandmarks;

beforeAll(async () => {
  scope = new EphemeralScope({ label: 'head-layer-hole-test' });
  ({ photo, face } = await loadFaceWithMesh('astronaut.png', scope));
}, 120_000);

afterAll(() => scope.purge());

/** Deterministic high-contrast noise, so that any pixel the hole wrongly skips shows. */
function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = 12345;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    out[i] = (i & 3) === 3 ? 255 : (s >>> 16) & 255;
  }
  return out;
}

describe('head layer under the mesh face: the hole', () => {
  it('leaves every byte of every frame as without it, and skips a large share of the layer', () => {
    const template = getBuiltInTemplate('confetti-pop')!;
    expect(template).toBeDefined();
    const { fps, frameCount } = template;
    const run = scope.child('hole-run');
    const region = headSegmentationRegion(face)!;
    expect(region).toBeDefined();
    // A segmenter that sees a person everywhere in the square: the head matte is then the widest.
    const person = { region: region.slice(), size: 256, alpha: new Float32Array(256 * 256).fill(1) };
    const matte = run.hold(buildHeadMatte(photo, face, person)!, { kind: 'matte', label: 'head.matte', wiper: headMatteWiper });
    const strength = template.colourMatch.strength;
    const make = (label: string): [FaceCompositor, MeshFaceRenderer] => {
      const own = run.child(label);
      return [
        createHeadLayer({ photo, matte: matte.value, scope: own, colourMatchStrength: strength }),
        createMeshFaceRenderer({ photo, landmarks: face, scope: own, width, height, fps, frameCount, colourMatchStrength: strength }),
      ];
    };
    const [plainHead, plainMesh] = make('without');
    const [holedHead, holedMesh] = make('with');
    const track = resolveFaceTrack(template);
    const photoPoints = fivePointsFromMesh(face);
    const framePoints = new Float32Array(10);
    const background = noise(width * height * 4);
    const without = new Uint8Array(background.length);
    const withHole = new Uint8Array(background.length);
    const headOnly = new Uint8Array(background.length);
    let holes = 0;
    let worstShare = 1;
    // Every third frame, the first included (where the colours are matched and no hole is used).
    for (let index = 0; index < frameCount; index += 3) {
      track(index, framePoints);
      const fit = fitSimilarity(photoPoints, framePoints);
      without.set(background);
      plainHead.composite(without, width, height, fit.transform);
      headOnly.set(without);
      plainMesh.draw(without, index, framePoints);

      withHole.set(background);
      const hole = holedMesh.opaqueCover(index, framePoints);
      holedHead.composite(withHole, width, height, fit.transform, hole);
      holedMesh.draw(withHole, index, framePoints);

      let differing = 0;
      for (let i = 0; i < without.length; i++) if (without[i] !== withHole[i]) differing++;
      expect(differing, `frame ${index}`).toBe(0);
      if (index === 0) {
        expect(hole).toBeUndefined();
        continue;
      }
      expect(hole, `frame ${index}`).toBeDefined();
      holes++;
      // Share of the pixels the head layer changed that the hole spared it from drawing.
      let layer = 0;
      let skipped = 0;
      for (let p = 0; p < width * height; p++) {
        const o = p * 4;
        const changed = headOnly[o] !== background[o] || headOnly[o + 1] !== background[o + 1] || headOnly[o + 2] !== background[o + 2];
        if (!changed) continue;
        layer++;
        if (hole![p] !== 0) skipped++;
      }
      worstShare = Math.min(worstShare, skipped / layer);
    }
    expect(holes).toBeGreaterThan(20);
    // The face is about 40 % of the head layer's area (the layer is about 2.5× the face).
    expect(worstShare).toBeGreaterThan(0.2);
    const cover = holedMesh.opaqueCover(3, framePoints)!;
    run.purge();
    // Held in the generation's scope: wiped with it.
    expect(isAllZero(cover)).toBe(true);
    photoPoints.fill(0);
  }, 120_000);
});
