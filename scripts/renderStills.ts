/**
 * `pnpm stills`: renders the sample photo into every built-in template with the real pipeline,
 * decodes each video back with the real decoder, and writes a strip of frames (start, ⅓, ⅔, end)
 * per template to docs/stills/<id>.png, and a close-up strip of the face at rest, talking (0.3 s),
 * blinking (1.0 s) and smiling (2.0 s) — the mesh renderer's motion preset — to
 * docs/stills/<id>-face.png. The README shows the default template's strips.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { builtInTemplates, createNodePlatform, decodeVideoFile, generateVideo, resolveFaceTrack } from '@vopop/node-adapter';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repoRoot, 'docs', 'stills');
const thumbWidth = 240;
mkdirSync(outDir, { recursive: true });

await using platform = await createNodePlatform();
for (const template of builtInTemplates) {
  const photo = readFileSync(join(repoRoot, 'examples/node-cli/astronaut.png'));
  const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'stills', grantedAt: new Date().toISOString() } as const;
  const result = await generateVideo({ photo, consent, template: template.id }, platform);
  const last = result.frameCount - 1;
  const wanted = [0, Math.round(last / 3), Math.round((2 * last) / 3), last];
  const thumbs: Buffer[] = [];
  // Close-ups: the preset's moments, cropped around the face where the template's track puts it.
  const moments = [0, 0.3, 1.0, 2.0].map((seconds) => Math.min(last, Math.round(seconds * result.fps)));
  const track = resolveFaceTrack(template);
  const faces: Buffer[] = [];
  await decodeVideoFile(result.video.value, {
    onFrame: async (rgba, width, height, index) => {
      if (moments.includes(index)) {
        const five = track(index);
        const cx = (five[0]! + five[2]! + five[6]! + five[8]!) / 4;
        const cy = (five[1]! + five[3]! + five[7]! + five[9]!) / 4;
        const side = Math.round(3.4 * Math.hypot(five[2]! - five[0]!, five[3]! - five[1]!));
        const left = Math.max(0, Math.min(width - side, Math.round(cx - side / 2)));
        const top = Math.max(0, Math.min(height - side, Math.round(cy - side / 2)));
        const crop = { left, top, width: Math.min(side, width), height: Math.min(side, height) };
        faces.push(await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } }).extract(crop).resize({ width: thumbWidth, height: thumbWidth }).png().toBuffer());
      }
      if (!wanted.includes(index)) return;
      thumbs.push(await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } }).resize({ width: thumbWidth }).png().toBuffer());
    },
  });
  await sharp({ create: { width: faces.length * (thumbWidth + 8) - 8, height: thumbWidth, channels: 4, background: '#ffffff' } })
    .composite(faces.map((input, i) => ({ input, left: i * (thumbWidth + 8), top: 0 })))
    .png()
    .toFile(join(outDir, `${template.id}-face.png`));
  console.log(`docs/stills/${template.id}-face.png: frames ${moments.join(', ')} (rest, talking, blink, smile)`);
  result.video.purge();
  const thumbHeight = Math.round((thumbWidth * result.height) / result.width);
  const gap = 8;
  await sharp({ create: { width: thumbs.length * (thumbWidth + gap) - gap, height: thumbHeight, channels: 4, background: '#ffffff' } })
    .composite(thumbs.map((input, i) => ({ input, left: i * (thumbWidth + gap), top: 0 })))
    .png()
    .toFile(join(outDir, `${template.id}.png`));
  console.log(`docs/stills/${template.id}.png: frames ${wanted.join(', ')} of ${result.codec} ${result.width}×${result.height}`);
}
