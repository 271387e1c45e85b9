/**
 * `pnpm stills`: renders the sample photo into every built-in template with the real pipeline,
 * decodes each video back with the real decoder, and writes a strip of frames (start, ⅓, ⅔, end)
 * per template to docs/stills/<id>.png. The README shows the default template's strip.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { builtInTemplates, createNodePlatform, decodeVideoFile, generateVideo } from '@vopop/node-adapter';

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
  await decodeVideoFile(result.video.value, {
    onFrame: async (rgba, width, height, index) => {
      if (!wanted.includes(index)) return;
      thumbs.push(await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } }).resize({ width: thumbWidth }).png().toBuffer());
    },
  });
  result.video.purge();
  const thumbHeight = Math.round((thumbWidth * result.height) / result.width);
  const gap = 8;
  await sharp({ create: { width: thumbs.length * (thumbWidth + gap) - gap, height: thumbHeight, channels: 4, background: '#ffffff' } })
    .composite(thumbs.map((input, i) => ({ input, left: i * (thumbWidth + gap), top: 0 })))
    .png()
    .toFile(join(outDir, `${template.id}.png`));
  console.log(`docs/stills/${template.id}.png: frames ${wanted.join(', ')} of ${result.codec} ${result.width}×${result.height}`);
}
