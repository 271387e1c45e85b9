/**
 * `npx tsx --conditions=@vopop/source scripts/cutoutStills.ts [template]`: the face cut beside
 * the head cut. Renders fixture photos into a built-in template twice with the real pipeline,
 * once with `cutout: 'face'` and once with `'head'`, decodes one frame of each video back and writes docs/stills/cutout-face-vs-head.png: one row
 * per photo, face cut on the left, head cut on the right. On the group photo the chosen face is
 * the largest (`--multiple largest`), and the neighbours' hair must not come along.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { builtInTemplates, createNodePlatform, decodeVideoFile, generateVideo } from '@vopop/node-adapter';
import { facesDir } from '../fixtures/faces/facesDir';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(repoRoot, 'docs', 'stills', 'cutout-face-vs-head.png');
const photos = ['astronaut.png', 'portrait.jpg', 'three_people.jpg'];
const templateId = process.argv[2] ?? 'golden-hour';
const frameIndex = 45;
const thumbWidth = 300;
mkdirSync(dirname(outFile), { recursive: true });

await using platform = await createNodePlatform();
const base = builtInTemplates.find((template) => template.id === templateId);
if (!base) throw new Error(`no built-in template '${templateId}'`);
const tiles: { input: Buffer; left: number; top: number }[] = [];
let thumbHeight = 0;
const gap = 8;
for (const [row, name] of photos.entries()) {
  for (const [column, cutout] of (['face', 'head'] as const).entries()) {
    const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'stills', grantedAt: new Date().toISOString() } as const;
    const result = await generateVideo(
      { photo: await readFile(join(facesDir, name)), consent, template: { ...base, cutout }, facePolicy: { multiple: 'largest' } },
      platform,
    );
    if (result.warnings) console.warn(`${name} ${cutout}: ${result.warnings.map((w) => w.message).join('; ')}`);
    await decodeVideoFile(result.video.value, {
      onFrame: async (rgba, width, height, index) => {
        if (index !== frameIndex) return;
        thumbHeight = Math.round((thumbWidth * height) / width);
        const input = await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } }).resize({ width: thumbWidth }).png().toBuffer();
        tiles.push({ input, left: column * (thumbWidth + gap), top: row * (thumbHeight + gap) });
      },
    });
    result.video.purge();
  }
}
await sharp({ create: { width: 2 * thumbWidth + gap, height: photos.length * (thumbHeight + gap) - gap, channels: 4, background: '#ffffff' } })
  .composite(tiles)
  .png()
  .toFile(outFile);
console.log(`${outFile}: ${templateId}, frame ${frameIndex}; rows ${photos.join(', ')}; face cut left, head cut right`);
