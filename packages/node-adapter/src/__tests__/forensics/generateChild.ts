/**
 * Child of the P3 test: one generation from the planted photo, then either the real purge or a
 * control run whose wipers do nothing (what an SDK without purging would leave). References are
 * dropped and GC forced either way; then the parent is told to scan, and this process waits.
 *
 * argv: <photo path> <purge|control> [decoder name]
 */
import { readFileSync } from 'node:fs';
import { WiperRegistry, builtInTemplates, generateVideo, type Wiper } from '@vopop/core';
import { createNodePlatform } from '../../nodePlatform';
import { NodeImageDecoder } from '../../decode/nodeImageDecoder';

const [photoPath, mode, decoderName] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc!;

const keepEverything: Wiper<ArrayBufferView> = {
  name: 'control-no-wipe',
  matches: (value): value is ArrayBufferView => ArrayBuffer.isView(value),
  measure: (value) => value.byteLength,
  wipe: (value) => ({ method: 'none', bytes: value.byteLength, verified: false }),
};

/** The default template cut to its first frame: the render stage runs, but briefly. */
function oneFrameTemplate(): unknown {
  const base = builtInTemplates[0]!;
  const first = base.faceTrack.kind === 'keyframes' ? base.faceTrack.keyframes[0]! : undefined;
  return {
    ...base,
    id: 'p3',
    frameCount: 1,
    faceTrack: first ? { ...base.faceTrack, keyframes: [{ ...first, frame: 0 }] } : base.faceTrack,
  };
}

async function generateOnce(): Promise<number> {
  const platform = await createNodePlatform();
  const wipers = new WiperRegistry();
  if (mode === 'control') wipers.register(keepEverything);
  const decoder = decoderName === 'sharp' ? new NodeImageDecoder() : platform.decoder;
  const result = await generateVideo(
    {
      // The Buffer as read: a copy would leave the original unwiped, which is what the scan finds.
      photo: readFileSync(photoPath!),
      consent: { purpose: 'face-video', processing: 'on-device', noticeVersion: 'p3', grantedAt: new Date().toISOString() },
      template: oneFrameTemplate(),
    },
    { ...platform, decoder, wipers },
  );
  if (mode === 'control') result.video.move(); // dropped without wiping, like the rest
  else result.video.purge();
  await platform[Symbol.asyncDispose]();
  return result.receipt.totals.handles;
}

const handles = await generateOnce();
for (let i = 0; i < 6; i++) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.stdout.write(`${JSON.stringify({ ready: true, handles })}\n`);
process.stdin.once('data', () => process.exit(0));
