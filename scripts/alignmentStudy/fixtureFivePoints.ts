/**
 * Writes the five alignment points (`fivePointsFromMesh`) of every face in the shared face
 * fixtures, for both mesh layouts, as JSON: the input of `minimaxBound.py`, which asks whether
 * any choice of canonical positions could put every fixture's five points within a given
 * distance of them (docs/alignment.md, "Is 2 % reachable?").
 *
 *   pnpm build && tsx scripts/alignmentStudy/fixtureFivePoints.ts > /tmp/five.json
 *
 * The points are landmarks of the fixture photos (public test images), not of any user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EphemeralScope, fivePointsFromMesh } from '@vopop/core';
import { facesDir as fixtures } from '../../fixtures/faces/facesDir';
import { WasmImageDecoder, createNodeFaceDetector } from '@vopop/node-adapter';

const files = ['astronaut.png', 'portrait.jpg', 'portrait_small.jpg', 'three_people.jpg'];

const faces: { file: string; face: number; layout: number; points: number[] }[] = [];
const decoder = new WasmImageDecoder();
for (const layout of [468, 478] as const) {
  using detector = await createNodeFaceDetector({ landmarks: layout, maxFaces: 5 });
  for (const file of files) {
    using scope = new EphemeralScope({ label: 'study' });
    const image = await decoder.decode(readFileSync(join(fixtures, file)), scope);
    const found = await detector.detect(image, scope);
    found.forEach((handle, face) => faces.push({ file, face, layout, points: Array.from(fivePointsFromMesh(handle.value)) }));
  }
}
process.stdout.write(`${JSON.stringify(faces)}\n`);
