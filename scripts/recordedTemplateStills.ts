/**
 * `pnpm stills:recorded`: docs/stills/recorded-template.jpg — the recorded example template
 * (examples/templates/astronaut-performance) and other fixture faces rendered onto it. The top row
 * is the template's own video (the recorded face), each row below one photo rendered with the real
 * pipeline, at frames 0, 30 (mid-blink), 45, 60 and 89, decoded back from the MP4s.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createNodePlatform, decodeVideoFile, generateVideo, loadTemplateFile } from '@vopop/node-adapter';
import { facesDir } from '../fixtures/faces/facesDir';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const templateFile = join(repoRoot, 'examples', 'templates', 'astronaut-performance', 'template.json');
const outFile = join(repoRoot, 'docs', 'stills', 'recorded-template.jpg');
const photos = ['portrait.jpg', 'portrait_small.jpg'];
const frames = [0, 30, 45, 60, 89];
const thumbWidth = 180;
const gap = 6;
mkdirSync(dirname(outFile), { recursive: true });

/** Thumbnails of `frames` of an MP4, in order. */
async function thumbnails(video: Uint8Array): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await decodeVideoFile(video, {
    onFrame: async (rgba, width, height, index) => {
      if (!frames.includes(index)) return;
      out.push(await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } }).resize({ width: thumbWidth }).png().toBuffer());
    },
  });
  return out;
}

const loaded = await loadTemplateFile(templateFile);
if (loaded.template.background.kind !== 'video') throw new Error('the recorded template has a video background');
const rows: Buffer[][] = [await thumbnails(readFileSync(join(dirname(templateFile), loaded.template.background.path)))];
{
  await using platform = await createNodePlatform();
  for (const name of photos) {
    const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'stills', grantedAt: new Date().toISOString() } as const;
    const result = await generateVideo({ photo: readFileSync(join(facesDir, name)), consent, template: loaded }, platform);
    try {
      rows.push(await thumbnails(result.video.value.slice()));
    } finally {
      result.video.purge();
    }
  }
}
const thumbHeight = Math.round((thumbWidth * loaded.template.height) / loaded.template.width);
await sharp({
  create: {
    width: frames.length * (thumbWidth + gap) - gap,
    height: rows.length * (thumbHeight + gap) - gap,
    channels: 4,
    background: '#ffffff',
  },
})
  .composite(rows.flatMap((row, r) => row.map((input, c) => ({ input, left: c * (thumbWidth + gap), top: r * (thumbHeight + gap) }))))
  .flatten({ background: '#ffffff' })
  .jpeg({ quality: 85, mozjpeg: true })
  .toFile(outFile);
console.log(`${outFile}: frames ${frames.join(', ')}; rows: the template, ${photos.join(', ')}`);
