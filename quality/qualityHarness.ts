import type { RenderJob, Template, TemplateAssets, VideoEncoderPort } from '@vopop/core';
import { loadMeshTrack } from '@vopop/core';
import type { EphemeralScope } from '@vopop/core';
import type { NodePlatform } from '@vopop/node-adapter';
import { decodeVideoFile } from '@vopop/node-adapter';
import { changedRegion } from './metrics/changedRegion';
import { mean } from './metrics/correlation';
import type { ExpressionFollowing } from './metrics/expressionFollowing';
import { expressionFollowing, stillSpread } from './metrics/expressionFollowing';
import type { FaceEmbedder } from './metrics/faceEmbedding';
import { cosineSimilarity } from './metrics/faceEmbedding';
import { faceHullMask } from './metrics/faceHullMask';
import { eyeAspectRatio, mouthOpening } from './metrics/faceMeasures';
import { normalisedMeanError } from './metrics/placementError';
import { seamVisibility } from './metrics/seamVisibility';
import { warpingError } from './metrics/warpingError';
import { standardDeviation } from './metrics/correlation';
import type { FixturePhoto } from './fixturePhoto';
import { detectInFrame } from './fixturePhoto';
import type { QualityRenderer } from './qualityRenderer';
import { tapEncoder } from './tappedEncoder';
import { renderTemplateBackground } from './templateBackground';

/** Which frames of a clip are measured. */
export interface FrameSelection {
  /** Frames the face is re-detected on (placement, expression). */
  readonly analysed: readonly number[];
  /** Frames also measured for seam, identity and flicker (each with the frame before it). */
  readonly detailed: readonly number[];
}

/**
 * Every `stride`-th frame is analysed; `detailCount` of those (never frame 0, which has no
 * previous frame for flicker), spread evenly, are measured in detail.
 */
export function selectFrames(frameCount: number, stride: number, detailCount: number): FrameSelection {
  const analysed: number[] = [];
  for (let f = 0; f < frameCount; f += stride) analysed.push(f);
  const candidates = analysed.filter((f) => f > 0);
  const detailed = new Set<number>();
  for (let k = 0; k < Math.min(detailCount, candidates.length); k++) {
    detailed.add(candidates[Math.round((k * (candidates.length - 1)) / Math.max(1, detailCount - 1))]!);
  }
  return { analysed, detailed: [...detailed].sort((a, b) => a - b) };
}

/** The figures of one renderer on one fixture and template. */
export interface QualityRow {
  readonly fixture: string;
  readonly template: string;
  readonly renderer: string;
  /** Frames a face was re-detected on, of those analysed. */
  readonly detected: number;
  readonly analysed: number;
  /** Mean normalised error of the re-detected mesh against the renderer's target. */
  readonly placement: number;
  /** The template's own re-detection error, where it has a face; undefined otherwise. */
  readonly placementFloor: number | undefined;
  readonly mouth: ExpressionFollowing;
  readonly eyes: ExpressionFollowing;
  /** Mean cosine similarity of output face crops to the user's photo. */
  readonly identityPhoto: number;
  /** The same to the template's actor, where a recorded template has one; undefined otherwise. */
  readonly identityActor: number | undefined;
  /**
   * Cosine similarity of the template's actor (its own face in the detailed frames) to the user's
   * photo: high when the user is the actor (a template made from this very photo), where the
   * identity margin means nothing. Undefined without an actor.
   */
  readonly actorToPhoto: number | undefined;
  /** CIEDE2000 step across the drawn region's edge, output and untouched template. */
  readonly seamStep: number;
  readonly templateSeamStep: number;
  /** Extra Lab gradient along the edge over the template's, per pixel. */
  readonly gradientExcess: number;
  /** Warping error inside the face with the known motion, 8-bit levels. */
  readonly flicker: number;
  /** The detailed frames decoded back, for contact sheets (RGBA, `width × height`). */
  readonly stills: readonly { readonly index: number; readonly rgba: Uint8Array }[];
  readonly width: number;
  readonly height: number;
}

/** A fixture × template case to measure, with every renderer. */
export interface QualityCase {
  readonly photo: FixturePhoto;
  readonly template: Template;
  /** The template's files (a recorded background, a mesh track), from `loadTemplateFile`. */
  readonly assets?: TemplateAssets;
}

/** Options of {@link measureCase}. */
export interface MeasureCaseOptions {
  readonly platform: NodePlatform;
  /** Encodes every video (the renders and the template without a face) alike. */
  readonly encoder: VideoEncoderPort;
  readonly embedder: FaceEmbedder;
  /** The photo's own embedding (what identity is compared with). */
  readonly photoEmbedding: Float32Array;
  /** The renderer under test first; the v1 compositor last (once, when it is the one under test). */
  readonly renderers: readonly QualityRenderer[];
  readonly frames: FrameSelection;
  readonly scope: EphemeralScope;
}

/** Mouth opening and eye aspect ratio per frame index. */
type Series = Map<number, readonly [mouth: number, eyes: number]>;

/** Measure one fixture on one template with every renderer, all from decoded-back videos. */
export async function measureCase(
  { photo, template, assets }: QualityCase,
  options: MeasureCaseOptions,
): Promise<QualityRow[]> {
  const { platform, encoder, embedder, photoEmbedding, renderers, frames, scope } = options;
  const { width, height } = template;
  const analysed = new Set(frames.analysed);
  const detailed = new Set(frames.detailed);
  // The frame before each detailed one is kept for flicker.
  const keepPrevious = new Set(frames.detailed.map((f) => f - 1));

  const meshTrack = assets ? await loadMeshTrack(template, assets) : undefined;
  const background = await renderTemplateBackground(template, encoder, scope, detailed, assets);
  const decodedBackground = new Map<number, Uint8Array>();
  // Where the template has a face of its own (a recorded mesh track): the detector's error on it
  // (the floor), and the actor's identity in the detailed frames.
  const floor: number[] = [];
  const actor = new Map<number, Float32Array>();
  await decodeVideoFile(background.video, {
    onFrame: async (rgba, _w, _h, index) => {
      if (detailed.has(index)) decodedBackground.set(index, rgba.slice());
      if (!meshTrack || !analysed.has(index)) return;
      const mesh = await detectInFrame(rgba, width, height, platform, scope);
      if (!mesh) return;
      floor.push(normalisedMeanError(mesh, meshTrack.frames[index]!));
      if (detailed.has(index)) actor.set(index, embedder.embed(rgba, width, height, mesh));
    },
  });

  const job: RenderJob = { photo: photo.image, landmarks: photo.landmarks, template, ...(assets ? { assets } : {}) };
  const measured: { row: Omit<QualityRow, 'mouth' | 'eyes'>; output: Series; driving: Series }[] = [];
  for (const renderer of renderers) {
    const plan = renderer.plan(job, meshTrack);
    const regions = new Map<number, Uint8Array>();
    const tapped = tapEncoder(encoder, (index, rgba) => {
      const raw = background.raw.get(index);
      if (raw) regions.set(index, changedRegion(rgba, raw, width, height));
    });
    const renderScope = scope.child(`render.${renderer.name}`);
    try {
      const video = await renderer.create(tapped).render(job, renderScope);
      const placement: number[] = [];
      const output: Series = new Map();
      const driving: Series = new Map();
      const identity: number[] = [];
      const identityActor: number[] = [];
      const seams: ReturnType<typeof seamVisibility>[] = [];
      const flicker: number[] = [];
      const stills: { index: number; rgba: Uint8Array }[] = [];
      let previous: Uint8Array | undefined;
      let detected = 0;
      await decodeVideoFile(video.bytes.value, {
        onFrame: async (rgba, frameWidth, frameHeight, index) => {
          if (frameWidth !== width || frameHeight !== height) throw new Error('The decoded video has another size than the template.');
          const framePlan = plan(index);
          if (analysed.has(index)) {
            driving.set(index, [mouthOpening(framePlan.target), eyeAspectRatio(framePlan.target)]);
            const mesh = await detectInFrame(rgba, width, height, platform, scope);
            if (mesh) {
              detected++;
              placement.push(normalisedMeanError(mesh, framePlan.target));
              output.set(index, [mouthOpening(mesh), eyeAspectRatio(mesh)]);
              if (detailed.has(index)) {
                const embedding = embedder.embed(rgba, width, height, mesh);
                identity.push(cosineSimilarity(embedding, photoEmbedding));
                const actorEmbedding = actor.get(index);
                if (actorEmbedding) identityActor.push(cosineSimilarity(embedding, actorEmbedding));
              }
            }
          }
          if (detailed.has(index)) {
            const region = regions.get(index);
            const untouched = decodedBackground.get(index);
            if (region && untouched) seams.push(seamVisibility(rgba, untouched, region, width, height));
            if (previous && framePlan.backward) {
              flicker.push(warpingError(previous, rgba, faceHullMask(framePlan.target, width, height), width, height, framePlan.backward));
            }
            stills.push({ index, rgba: rgba.slice() });
          }
          previous = keepPrevious.has(index) ? rgba.slice() : undefined;
        },
      });
      measured.push({
        output,
        driving,
        row: {
          fixture: photo.name,
          template: template.id,
          renderer: renderer.name,
          detected,
          analysed: frames.analysed.length,
          placement: mean(placement),
          placementFloor: meshTrack ? mean(floor) : undefined,
          identityPhoto: mean(identity),
          identityActor: identityActor.length > 0 ? mean(identityActor) : undefined,
          actorToPhoto: actor.size > 0 ? mean([...actor.values()].map((a) => cosineSimilarity(a, photoEmbedding))) : undefined,
          seamStep: mean(seams.map((s) => s.outputStep)),
          templateSeamStep: mean(seams.map((s) => s.templateStep)),
          gradientExcess: mean(seams.map((s) => s.gradientExcess)),
          flicker: mean(flicker.filter((e) => !Number.isNaN(e))),
          stills,
          width,
          height,
        },
      });
    } finally {
      renderScope.purge();
    }
  }

  // The template's expression is what the renderer under test was driven by; v1 has none of its
  // own, so every renderer is compared with the first whose targets move (else the first's).
  const moves = (series: Series, k: 0 | 1) => standardDeviation([...series.values()].map((v) => v[k])) >= stillSpread;
  const driver = measured.find((m) => moves(m.driving, 0) || moves(m.driving, 1)) ?? measured[0]!;
  return measured.map(({ row, output }) => {
    // Frames where the output's face was found, in order, with the driver's value there.
    const frames = [...output.keys()].filter((f) => driver.driving.has(f));
    const follow = (k: 0 | 1) =>
      expressionFollowing(frames.map((f) => driver.driving.get(f)![k]), frames.map((f) => output.get(f)![k]));
    return { ...row, mouth: follow(0), eyes: follow(1) };
  });
}
