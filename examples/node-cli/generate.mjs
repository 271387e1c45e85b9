// The library API behind `pnpm demo`, for apps that call the SDK instead of the CLI:
//   node examples/node-cli/generate.mjs [photo] [output]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodePlatform, generateVideo } from '@vopop/node-adapter';

const here = dirname(fileURLToPath(import.meta.url));
const photoPath = resolve(process.argv[2] ?? resolve(here, 'astronaut.png'));
const output = resolve(process.argv[3] ?? resolve(here, 'output', 'astronaut.mp4'));

// Record the person's agreement first: the SDK refuses to start without it.
const consent = {
  purpose: 'face-video',
  processing: 'on-device',
  noticeVersion: 'example-1',
  grantedAt: new Date().toISOString(),
};

await using platform = await createNodePlatform();
const result = await generateVideo(
  { photo: readFileSync(photoPath), consent, onProgress: ({ stage, fraction }) => process.stderr.write(`\r${stage} ${(fraction * 100).toFixed(0)}%   `) },
  platform,
);
process.stderr.write('\n');
{
  // The video is the one thing that leaves the generation; wipe our copy once it is saved.
  using video = result.video;
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, video.value);
}
console.log(`Wrote ${output}; purged ${result.receipt.totals.wiped} buffers (${result.receipt.totals.bytes} bytes).`);
