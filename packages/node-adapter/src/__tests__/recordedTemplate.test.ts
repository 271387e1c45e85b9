/**
 * The recorded example template, examples/templates/astronaut-performance (made by
 * scripts/makeRecordedTemplate.ts with `vopop template build`): its files are the ones its
 * NOTICE lists, it loads as a 478-point mesh template whose track holds the performance (a
 * blink, mouth movement, a head turn), and other fixture faces render onto it in Node with their
 * eyes where the recorded face's eyes were, frame by frame.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { EphemeralHandle, FaceLandmarks } from '@vopop/core';
import { EphemeralScope, fivePointsFromMesh, generateVideo, resolveFaceTrack } from '@vopop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facesDir } from '../../../../fixtures/faces/facesDir';
import { createNodeFaceDetector } from '../detect/createNodeFaceDetector';
import { createNodePlatform } from '../nodePlatform';
import { decodeVideoFile } from '../templates/decodeVideoFile';
import type { LoadedTemplateFile } from '../templates/loadTemplateFile';
import { loadTemplateFile } from '../templates/loadTemplateFile';

const folder = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'examples', 'templates', 'astronaut-performance');
const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-12-03T00:00:00Z' } as const;
/** Frames whose output is re-detected: the start, the middle and the end of the clip. */
const checkedFrames = [0, 30, 60, 89];

let loaded: LoadedTemplateFile;
let detector: Awaited<ReturnType<typeof createNodeFaceDetector>>;

beforeAll(async () => {
  loaded = await loadTemplateFile(path.join(folder, 'template.json'));
  detector = await createNodeFaceDetector({ landmarks: 468, maxFaces: 1 });
}, 60_000);

afterAll(() => detector?.dispose());

describe('the recorded example template', () => {
  it('ships exactly the files its NOTICE lists, with their SHA-256', () => {
    const notice = readFileSync(path.join(folder, 'NOTICE.md'), 'utf8');
    const listed = [...notice.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)].map((m) => [m[2]!, m[1]!] as const);
    expect(listed.map(([file]) => file).sort()).toEqual(readdirSync(folder).filter((f) => f !== 'NOTICE.md').sort());
    for (const [file, sum] of listed) expect(createHash('sha256').update(readFileSync(path.join(folder, file))).digest('hex'), file).toBe(sum);
    expect(notice).toContain('public domain');
  });

  it('is a format-2 template with a 478-point mesh track over its video', () => {
    expect(loaded.template).toMatchObject({ version: 2, id: 'astronaut-performance', width: 360, height: 640, fps: 30, frameCount: 90 });
    expect(loaded.template.background).toEqual({ kind: 'video', path: 'astronaut-performance.mp4' });
    expect(loaded.meshTrack?.pointCount).toBe(478);
    expect(loaded.meshTrack?.frames).toHaveLength(90);
  });

  it('records a living face: a blink, the mouth moving and the head turning, tracked from its video', () => {
    const frames = loaded.meshTrack!.frames;
    const distance = (m: Float32Array, a: number, b: number) => Math.hypot(m[3 * a]! - m[3 * b]!, m[3 * a + 1]! - m[3 * b + 1]!);
    // Eye aspect ratio (lid gap over eye width), inner-lip gap over eye distance, nose off the eyes' midpoint.
    const eyeOpen = frames.map((m) => (distance(m, 159, 145) / distance(m, 33, 133) + distance(m, 386, 374) / distance(m, 362, 263)) / 2);
    const mouthOpen = frames.map((m) => distance(m, 13, 14) / distance(m, 33, 263));
    const turn = frames.map((m) => m[3 * 1]! - (m[3 * 33]! + m[3 * 263]!) / 2);
    const median = [...eyeOpen].sort((a, b) => a - b)[45]!;
    expect(Math.min(...eyeOpen)).toBeLessThan(0.75 * median);
    expect(Math.max(...mouthOpen) - Math.min(...mouthOpen)).toBeGreaterThan(0.05);
    expect(Math.max(...turn) - Math.min(...turn)).toBeGreaterThan(5);
    // The neutral frame has open eyes: it is not the blink.
    const neutral = loaded.template.faceTrack.kind === 'mesh' ? loaded.template.faceTrack.neutralFrame : -1;
    expect(eyeOpen[neutral]!).toBeGreaterThanOrEqual(0.95 * median);
  });

  it.each(['portrait.jpg', 'portrait_small.jpg'])('renders %s onto it, the eyes where the recorded eyes are', async (photoName) => {
    const targets = resolveFaceTrack(loaded.template, loaded.meshTrack);
    await using platform = await createNodePlatform();
    const result = await generateVideo({ photo: readFileSync(path.join(facesDir, photoName)), consent, template: loaded }, platform);
    const video = result.video.value.slice();
    result.video.purge();
    const misses: number[] = [];
    let eyeDistance = 0;
    try {
      const info = await decodeVideoFile(video, {
        onFrame: async (rgba, width, height, index) => {
          if (!checkedFrames.includes(index)) return;
          using scope = new EphemeralScope({ label: 'test.redetect' });
          const pixels = scope.hold(rgba, { kind: 'frame', label: 'test.output-frame' });
          const [face] = await detector.detect({ width, height, pixels }, scope);
          expect(face, `a face in output frame ${index}`).toBeDefined();
          const found = fivePointsFromMesh((face as EphemeralHandle<FaceLandmarks>).value);
          const wanted = targets(index);
          eyeDistance = Math.hypot(wanted[2]! - wanted[0]!, wanted[3]! - wanted[1]!);
          misses.push(Math.max(Math.hypot(found[0]! - wanted[0]!, found[1]! - wanted[1]!), Math.hypot(found[2]! - wanted[2]!, found[3]! - wanted[3]!)));
        },
      });
      expect(info.frameCount).toBe(90);
    } finally {
      video.fill(0);
    }
    expect(misses).toHaveLength(checkedFrames.length);
    // Each eye of the rendered face lands within a tenth of the eye distance (about 8 px here) of
    // where the recorded face's eye was in the same frame.
    for (const miss of misses) expect(miss, `misses ${misses.map((m) => m.toFixed(1)).join(', ')} px`).toBeLessThan(0.1 * eyeDistance);
  }, 180_000);
});
