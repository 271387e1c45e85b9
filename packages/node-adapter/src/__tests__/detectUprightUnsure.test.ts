/**
 * An upright face the box detector is unsure of must be measured upright. The fixture is a frame
 * of one of this SDK's own videos (portrait.jpg's face, cut out without hair, on a pink template
 * background): the box detector scores it 0.73 upright and 0.75 turned 180°, and when the best
 * score simply won, the mesh fitted on the upside-down look landed about 140 px above the face.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { EphemeralScope } from '@vopop/core';
import { describe, expect, it } from 'vitest';
import { createNodeFaceDetector } from '../detect/createNodeFaceDetector';
import { facesDir } from './detectTestKit';

/** Where the face is in the fixture: the renderer's target mesh's box in that frame, in pixels. */
const renderedFace = { xMin: 212, yMin: 412, xMax: 515, yMax: 816 };

describe('a sure-enough upright look is not replaced by a turned one', () => {
  it('finds the face of upright_low_score.jpg where it is, looking at every orientation', async () => {
    using detector = await createNodeFaceDetector({ backend: 'wasm', landmarks: 478 });
    using scope = new EphemeralScope({ label: 'upright-unsure' });
    const { data, info } = await sharp(join(facesDir, 'upright_low_score.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixels = scope.hold(new Uint8Array(data), { kind: 'pixels', label: 'frame' });
    data.fill(0);
    const faces = await detector.detect({ width: info.width, height: info.height, pixels }, scope);
    expect(faces).toHaveLength(1);
    const [xMin = 0, yMin = 0, xMax = 0, yMax = 0] = faces[0]!.value.box;
    // Each edge within 30 px of the rendered face's (a face about 400 px tall); the upside-down
    // fit's top edge was 135 px above it.
    for (const [found, expected] of [[xMin, renderedFace.xMin], [yMin, renderedFace.yMin], [xMax, renderedFace.xMax], [yMax, renderedFace.yMax]] as const) {
      expect(Math.abs(found - expected)).toBeLessThan(30);
    }
  }, 120_000);
});
