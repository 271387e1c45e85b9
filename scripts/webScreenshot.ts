/**
 * `pnpm screenshots`: builds examples/web, serves it with the documented CSP, generates a video
 * from the sample photo in headless Chromium and writes the page to docs/web-example.png (the
 * README's picture). The browser tests take no pictures for the docs, so that `pnpm test` leaves
 * the tree as it found it; this script is the one place the picture comes from.
 */
import { join } from 'node:path';
import buildExample from '../packages/web-adapter/e2e/buildExample';
import { generate, message, openExample, repoRoot, stopExampleServer } from '../packages/web-adapter/e2e/browserHarness';

const output = join(repoRoot, 'docs', 'web-example.png');

await buildExample();
const session = await openExample();
try {
  await generate(session, 'astronaut.png', { template: 'confetti-pop' });
  const status = await message(session.page);
  if (status.tone !== 'ok') throw new Error(`The example page reported: ${status.text}`);
  // Shown playing, as a reader of the README would see it.
  await session.page.waitForFunction(() => {
    const video = document.querySelector<HTMLVideoElement>('#video');
    return video !== null && video.readyState >= 2 && video.currentTime > 0.2;
  }, null, { timeout: 20_000 });
  await session.page.screenshot({ path: output, fullPage: true });
  console.log(`docs/web-example.png: ${status.text}`);
} finally {
  await session.close();
  await stopExampleServer();
}
