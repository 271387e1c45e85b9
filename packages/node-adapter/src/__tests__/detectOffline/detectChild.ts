/**
 * Run in a child process with networking blocked (see blockNetwork.cjs): load the detector the
 * way an app would and detect the face in one photo, then print one JSON line for the parent.
 */
import sharp from 'sharp';
import { EphemeralScope } from '@vopop/core';
import type { NodeTfjsBackend } from '../../detect/nodeTfjsBackend';
import { createNodeFaceDetector } from '../../detect/createNodeFaceDetector';

const [photo, backend, landmarks] = process.argv.slice(2);
const { data, info } = await sharp(photo!).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
using scope = new EphemeralScope({ label: 'offline' });
const pixels = scope.hold(new Uint8Array(data), { kind: 'pixels', label: 'photo.pixels' });
data.fill(0);
using detector = await createNodeFaceDetector({
  backend: backend as NodeTfjsBackend,
  landmarks: Number(landmarks) === 478 ? 478 : 468,
});
const faces = await detector.detect({ width: info.width, height: info.height, pixels }, scope);
process.stdout.write(
  `${JSON.stringify({ faces: faces.length, points: faces[0]?.value.pointCount ?? 0, backend: detector.backend })}\n`,
);
