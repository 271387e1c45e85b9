/**
 * The main job in Chromium: photo → 3 s 720×1280 video with the default template, in the web
 * example (module worker, wasm detection, native WebCodecs H.264), against the same job in Node
 * in the same run. Needs /usr/bin/chromium.
 */
import { createNodePlatform, generateVideo } from '@vopop/node-adapter';
import type { StageTimings } from '@vopop/node-adapter';
import buildExample from '../packages/web-adapter/e2e/buildExample';
import { generate, openExample, stopExampleServer } from '../packages/web-adapter/e2e/browserHarness';
import { type BenchSection, type BenchSuite, ms, ratio, table } from './harness';
import { consent, samplePhoto } from './pipelineKit';

const runs = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const suite: BenchSuite = async () => {
  await buildExample();
  await using platform = await createNodePlatform();
  const session = await openExample();
  try {
    const node = async (): Promise<number> => {
      const started = performance.now();
      const result = await generateVideo({ photo: samplePhoto(), consent }, platform);
      const elapsed = performance.now() - started;
      result.video.purge();
      return elapsed;
    };
    /** Reload (a fresh, prepared worker, untimed), then time Generate → video shown. */
    const browser = async (): Promise<{ wall: number; timings: StageTimings; backend: string }> => {
      await session.page.reload();
      await session.page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 60_000 });
      const started = performance.now();
      await generate(session, 'astronaut.png');
      const wall = performance.now() - started;
      const timings = JSON.parse((await session.page.getAttribute('#result', 'data-timings')) ?? 'null') as StageTimings | null;
      if (!timings) throw new Error('The browser generation did not finish.');
      return { wall, timings, backend: (await session.page.getAttribute('#result', 'data-backend')) ?? '?' };
    };

    // Warm-up of both, then alternate (node, browser, node, …) so load from elsewhere hits both.
    await node();
    await browser();
    const nodeTimes: number[] = [];
    const browserRuns: Awaited<ReturnType<typeof browser>>[] = [];
    for (let i = 0; i < runs; i++) {
      nodeTimes.push(await node());
      browserRuns.push(await browser());
    }
    const browserWall = median(browserRuns.map((run) => run.wall));
    const nodeMedian = median(nodeTimes);
    const stages = Object.keys(browserRuns[0]!.timings) as (keyof StageTimings)[];
    const stageMedians = stages.map((stage) => [stage, median(browserRuns.map((run) => run.timings[stage]))] as const);
    const section: BenchSection = {
      title: 'Photo → 3 s 720×1280 video in Chromium vs Node',
      markdown: `
\`astronaut.png\` with the default template, in examples/web (production build) in headless
Chromium (\`--disable-gpu\`: detection on ${browserRuns[0]!.backend}, native WebCodecs H.264),
against \`generateVideo\` with \`createNodePlatform()\` in the same run, alternating, ${runs} runs
each after a warm-up. Browser wall time is from pressing Generate until the page shows the
result, including the page's photo read and both transfers. The page reloads (untimed) before
each run, so every run finds its worker prepared (models loaded and verified), as a user's
first generation does.

${table(
  ['case', 'median, ms', 'vs Node'],
  [
    ['Node, `generateVideo` (warm platform)', ms(nodeMedian), '1.00'],
    ['Chromium, Generate → video shown', ms(browserWall), ratio(browserWall, nodeMedian)],
  ],
)}

Chromium's stages (medians, from the worker's own timings):

${table(['stage', 'median, ms'], stageMedians.map(([stage, value]) => [stage, ms(value)]))}
`,
    };
    return [section];
  } finally {
    await session.close();
    await stopExampleServer();
  }
};

export default suite;
