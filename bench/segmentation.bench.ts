/**
 * What the head cut-out costs: photo → 3 s 720×1280 video with the default template cut as the
 * face and as the whole head, interleaved in one process on one platform (so the only difference
 * is the person segmentation, the head matte and the larger layer), and the head cut-out's own
 * steps per photo: segmentation (the selfie model on a 256² square around the face) and the head
 * matte (prior, geodesic veto, guided filter at photo resolution).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { EphemeralScope, createNodePersonSegmenter, createNodePlatform, generateVideo } from '@vopop/node-adapter';
import { buildHeadMatte, headSegmentationRegion } from '../packages/core/src/render/compositing/headMatte';
import { facesDir } from '../fixtures/faces/facesDir';
import { type BenchSection, type BenchSuite, compareInterleaved, measure, ms, table } from './harness';
import { consent, defaultTemplate, samplePhoto } from './pipelineKit';

/** The ceiling the issue sets: segmentation adds at most 15 % to the end-to-end time. */
const budget = 1.15;

const suite: BenchSuite = async () => {
  await using platform = await createNodePlatform();
  const base = defaultTemplate();
  const generate = async (cutout: 'face' | 'head') => {
    const result = await generateVideo({ photo: samplePhoto(), consent, template: { ...base, cutout } }, platform);
    result.video.purge();
    if (cutout === 'head' && result.warnings) throw new Error(`the head cut fell back: ${result.warnings[0]!.message}`);
  };
  const whole = await compareInterleaved({ face: () => generate('face'), head: () => generate('head') }, { warmup: 1, runs: 5 });
  const ratio = whole.head.median / whole.face.median;

  // The steps alone, per fixture photo, on the same backend.
  using segmenter = await createNodePersonSegmenter();
  const steps: string[][] = [];
  /** Segmentation + head matte for the photo of the end-to-end runs (astronaut.png). */
  let stageMs = 0;
  for (const name of ['astronaut.png', 'portrait.jpg', 'three_people.jpg']) {
    using scope = new EphemeralScope({ label: 'bench' });
    const image = await platform.decoder.decode(new Uint8Array(readFileSync(join(facesDir, name))), scope);
    const [face] = await platform.detector.detect(image, scope);
    const region = headSegmentationRegion(face!.value)!;
    const segment = await measure(async () => (await segmenter.segment(image, region, scope)).purge(), { warmup: 2, runs: 9 });
    const person = await segmenter.segment(image, region, scope);
    let pixels = 0;
    const matte = await measure(
      () => {
        const head = buildHeadMatte(image, face!.value, person.value)!;
        pixels = head.alpha.length;
        head.alpha.fill(0);
      },
      { warmup: 2, runs: 9 },
    );
    if (name === 'astronaut.png') stageMs = segment.median + matte.median;
    steps.push([`\`${name}\` (${image.width}×${image.height})`, ms(segment.median), ms(matte.median), `${(pixels / 1e6).toFixed(2)} MP`]);
  }

  const stageShare = stageMs / whole.face.median;
  const stageVerdict = 1 + stageShare <= budget ? 'within' : '**over**';
  const verdict = ratio <= budget ? 'within' : '**over**';
  const sections: BenchSection[] = [
    {
      title: 'Head cut-out: what segmentation adds end to end',
      markdown: `
\`astronaut.png\` into the default template (90 frames, 720×1280) on \`createNodePlatform()\`
(${tf.getBackend()} tfjs), its \`cutout\` set to \`'face'\` and to \`'head'\`, interleaved, median of
5 each after a warm-up. The head run segments the photo once (the selfie model on a 256² square
around the face), builds the head matte at photo resolution, and composites a layer about 2.5 times
the face oval's area in every frame.

${table(
  ['cut-out', 'median, ms', 'min, ms', 'vs face'],
  [
    ['face (the mesh face alone)', ms(whole.face.median), ms(whole.face.min), '1.00'],
    ['head (segmentation, head layer under the mesh face)', ms(whole.head.median), ms(whole.head.min), ratio.toFixed(2)],
  ],
)}

The segmentation stage itself (the selfie model and the head matte, once per photo) takes
${ms(stageMs)} ms for this photo: ${(stageShare * 100).toFixed(1)} % of the face run, ${stageVerdict} the
budget of ${((budget - 1) * 100).toFixed(0)} %. The whole head cut-out adds ${((ratio - 1) * 100).toFixed(1)} %, ${verdict} that
budget: most of it is not segmentation but compositing a head layer about 2.5 times the face's
area in every frame, under the mesh face, which then draws over the head's face again.

Its own steps, per photo (median of 9 after 2 warm-ups; the head matte's cost grows with the
head's size in pixels, the segmentation's does not):

${table(['photo', 'segmentation, ms', 'head matte, ms', 'head region'], steps)}
`,
    },
  ];
  return sections;
};

export default suite;
