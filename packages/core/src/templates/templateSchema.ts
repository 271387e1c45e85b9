import * as z from 'zod';
import { assetPathProblem, maxAssetPathLength } from './assetPath';

/**
 * The template manifest, format versions 1 and 2, as zod 4 schemas.
 *
 * Every object is strict (an unknown field is an error, so a typo never silently means "use the
 * default") and every number has a range, because manifests are untrusted input that decides how
 * much memory and time a render takes. Cross-field rules (frame counts that must agree, keyframes
 * inside the clip, faces inside reach of the frame) are checked by {@link parseTemplate} after this
 * schema passes; JSON Schema cannot express them either.
 */

/** Largest frame width (portrait 1080p). */
export const maxTemplateWidth = 1080;
/** Largest frame height (portrait 1080p). */
export const maxTemplateHeight = 1920;
/** Smallest frame side. */
export const minTemplateSide = 64;
/** Longest clip, in seconds: `frameCount ≤ fps × 60`. */
export const maxTemplateSeconds = 60;
/** Most frames any template can have (60 fps × 60 s). */
export const maxTemplateFrames = 60 * maxTemplateSeconds;

const segment = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}';
// No `i` flag: JSON Schema patterns carry no flags, and the schema must accept exactly what the
// parser does. Extensions are therefore lower case.
const assetPattern = (extensions: string) => new RegExp(`^(?:${segment}/){0,8}${segment}\\.(?:${extensions})$`);

function assetPath(extensions: string, what: string) {
  return z
    .string()
    .max(maxAssetPathLength)
    .regex(assetPattern(extensions), {
      error: (issue) => {
        const input = issue.input;
        const problem = typeof input === 'string' ? assetPathProblem(input) : undefined;
        return problem ?? `asset path must be a relative path to ${what} with a lower-case extension (${extensions.replaceAll('|', ', ')})`;
      },
    })
    .describe(`Path of ${what}, relative to the manifest's folder, with forward slashes.`);
}

const imagePath = assetPath('png|jpg|jpeg|webp', 'an image');
const videoPath = assetPath('mp4|webm|mov|m4v', 'a video file');
const meshDataPath = assetPath('bin', 'the mesh data file');

/** Finest quantisation step of `int16le` mesh data, in pixels. */
export const minMeshScale = 1 / 1024;
/** Coarsest quantisation step of `int16le` mesh data, in pixels. */
export const maxMeshScale = 1;

const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: 'sha256 must be 64 lower-case hexadecimal digits' })
  .describe("SHA-256 of the file's bytes, lower-case hex; the file is refused when it differs.");

const colour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, { error: 'colour must be written as #rrggbb' })
  .describe('An sRGB colour, #rrggbb.');

const palette = z.array(colour).min(1).max(12).describe('Colours to pick from, 1 to 12.');

const seed = z
  .int()
  .min(0)
  .max(0xffffffff)
  .describe('Seed of the deterministic random generator (0 … 2³²−1).');

const gradient = {
  top: colour.describe('Colour at the top of the vertical gradient.'),
  bottom: colour.describe('Colour at the bottom of the vertical gradient.'),
};

/** A soft band of light sweeping across a gradient, with twinkling sparkles. @internal */
const lightSweepGeneratorSchema = z
  .strictObject({
    name: z.literal('lightSweep'),
    ...gradient,
    glow: colour.describe('Colour of the light band.'),
    bandWidth: z.number().min(0.02).max(1).describe('Band width as a fraction of the frame diagonal.'),
    periodFrames: z.int().min(2).max(maxTemplateFrames).describe('Frames for one full sweep.'),
    angle: z.number().min(-80).max(80).describe('Tilt of the band from vertical, degrees.'),
    sparkles: z.int().min(0).max(400).describe('Number of twinkling sparkles.'),
    seed,
  })
  .describe('A soft band of light sweeping across a gradient, with twinkling sparkles.');

/** Confetti falling, swaying and flipping over a gradient. @internal */
const confettiGeneratorSchema = z
  .strictObject({
    name: z.literal('confetti'),
    ...gradient,
    palette,
    count: z.int().min(0).max(600).describe('Number of confetti pieces.'),
    size: z.number().min(4).max(64).describe('Length of a piece, in pixels.'),
    fallFrames: z.int().min(10).max(maxTemplateFrames).describe('Frames a piece takes to fall through the frame.'),
    seed,
  })
  .describe('Confetti falling, swaying and flipping over a gradient.');

/** Glowing orbs that drift and bounce off the frame's edges. @internal */
const bokehGeneratorSchema = z
  .strictObject({
    name: z.literal('bokeh'),
    ...gradient,
    palette,
    count: z.int().min(0).max(200).describe('Number of orbs.'),
    minRadius: z.number().min(4).max(200).describe('Smallest orb radius, pixels.'),
    maxRadius: z.number().min(4).max(200).describe('Largest orb radius, pixels (≥ minRadius).'),
    speed: z.number().min(0).max(40).describe('Orb speed, pixels per frame.'),
    seed,
  })
  .describe('Glowing orbs that drift and bounce off the frame edges.');

/** Hearts rising and swaying over a gradient. @internal */
const heartsGeneratorSchema = z
  .strictObject({
    name: z.literal('hearts'),
    ...gradient,
    palette,
    count: z.int().min(0).max(300).describe('Number of hearts.'),
    minSize: z.number().min(8).max(160).describe('Smallest heart width, pixels.'),
    maxSize: z.number().min(8).max(160).describe('Largest heart width, pixels (≥ minSize).'),
    riseFrames: z.int().min(10).max(maxTemplateFrames).describe('Frames a heart takes to rise through the frame.'),
    seed,
  })
  .describe('Hearts rising and swaying over a gradient, fading in and out.');

/** Procedural background generators, by `name`. @internal */
const backgroundGeneratorSchema = z.discriminatedUnion('name', [
  lightSweepGeneratorSchema,
  confettiGeneratorSchema,
  bokehGeneratorSchema,
  heartsGeneratorSchema,
]);

/** Where a template's background comes from. @internal */
const backgroundSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('procedural'), generator: backgroundGeneratorSchema })
    .describe('Drawn by the SDK, frame by frame, from a built-in generator.'),
  z
    .strictObject({
      kind: z.literal('frames'),
      frames: z.array(imagePath).min(1).max(maxTemplateFrames),
    })
    .describe('Encoded images, one per frame (frameCount of them), or exactly one for a still.'),
  z
    .strictObject({ kind: z.literal('video'), path: videoPath })
    .describe('A video file whose frames are the background.'),
]);

const coordinate = z.number().min(-1e5).max(1e5);

/** Target points given for every frame. @internal */
const pointsFaceTrackSchema = z
  .strictObject({
    kind: z.literal('points'),
    points: z
      .array(z.array(coordinate).length(10).describe('x0, y0, … x4, y4 in frame pixels.'))
      .min(1)
      .max(maxTemplateFrames)
      .describe('Per frame, the 5 target points (eyes, nose tip, mouth corners); frameCount entries.'),
  })
  .describe('The 5 alignment points given in frame pixels for every frame.');

/** One similarity keyframe. @internal */
const faceKeyframeSchema = z.strictObject({
  frame: z.int().min(0).max(maxTemplateFrames - 1).describe('Frame index (0-based).'),
  scale: z.number().min(16).max(8000).describe('Side of the square face crop, in frame pixels.'),
  angle: z.number().min(-720).max(720).describe('Rotation in degrees, clockwise on screen.'),
  x: coordinate.describe('Centre of the face crop, frame pixels.'),
  y: coordinate.describe('Centre of the face crop, frame pixels.'),
});

/** Similarity keyframes, interpolated between. @internal */
const keyframesFaceTrackSchema = z
  .strictObject({
    kind: z.literal('keyframes'),
    interpolation: z
      .enum(['linear', 'ease', 'cubic'])
      .describe('linear; ease (eases in and out of each keyframe); cubic (smooth curve through all).'),
    keyframes: z.array(faceKeyframeSchema).min(1).max(maxTemplateFrames).describe('In increasing frame order.'),
  })
  .describe('Where the face crop sits at some frames; frames in between are interpolated.');

/** How the face is placed, frame by frame. @internal */
const faceTrackSchema = z.discriminatedUnion('kind', [pointsFaceTrackSchema, keyframesFaceTrackSchema]);

/**
 * The template manifest schema, format version 1.
 *
 * @public
 */
export const templateSchemaV1 = z
  .strictObject({
    format: z.literal('vopop-template'),
    version: z.literal(1),
    id: z
      .string()
      .max(64)
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, { error: 'id must be a slug: a-z, 0-9 and inner hyphens, at most 64' })
      .describe('Stable identifier, a slug.'),
    title: z.string().min(1).max(80).describe('Human-readable name.'),
    licence: z.string().min(1).max(120).describe('SPDX licence identifier or a short licence text.'),
    width: z
      .int()
      .min(minTemplateSide)
      .max(maxTemplateWidth)
      .multipleOf(2)
      .describe('Frame width in pixels; even (H.264 4:2:0).'),
    height: z
      .int()
      .min(minTemplateSide)
      .max(maxTemplateHeight)
      .multipleOf(2)
      .describe('Frame height in pixels; even (H.264 4:2:0).'),
    fps: z.int().min(1).max(60).describe('Frames per second.'),
    frameCount: z.int().min(1).max(maxTemplateFrames).describe('Frames in the clip; at most fps × 60.'),
    background: backgroundSchema,
    faceTrack: faceTrackSchema,
    mask: z
      .strictObject({
        shape: z.literal('faceOval').describe('The oval hull of the face mesh.'),
        feather: z.number().min(0).max(0.5).describe('Feather width as a fraction of the face size.'),
      })
      .describe('How the face blends into the background.'),
    colourMatch: z
      .strictObject({
        strength: z.number().min(0).max(1).describe('0 keeps the photo colours, 1 matches the background fully.'),
      })
      .describe('How strongly the face is colour-matched to the background.'),
    cutout: z
      .enum(['face', 'head'])
      .optional()
      .describe(
        "What is cut out of the photo: 'face' (default), the face through the feathered oval mask; 'head', the whole head with hair and a short neck fade, from a person segmentation (falls back to 'face', with a warning, where the photo has no person matte under the face).",
      ),
  })
  .describe('A Vopop video template, format version 1.');

/** The faces' mesh data file of a `mesh` face track: where it is, its digest and its encoding. @internal */
const meshDataSchema = z.discriminatedUnion('encoding', [
  z
    .strictObject({
      path: meshDataPath,
      sha256: sha256Hex,
      encoding: z.literal('int16le').describe('Little-endian signed 16-bit integers; pixels = value × scale.'),
      scale: z
        .number()
        .min(minMeshScale)
        .max(maxMeshScale)
        .describe(`Pixels per integer step, ${minMeshScale} to ${maxMeshScale} (the builder writes the finest power of two that holds the track).`),
    })
    .describe('Quantised mesh data: half the size of float32, at most scale / 2 px off.'),
  z
    .strictObject({
      path: meshDataPath,
      sha256: sha256Hex,
      encoding: z.literal('float32le').describe('Little-endian IEEE 754 single-precision floats, in pixels.'),
    })
    .describe('Mesh data as single-precision floats, exact.'),
]);

/** A dense face-mesh track: per frame every mesh point, in a binary file beside the manifest. @internal */
const meshFaceTrackSchema = z
  .strictObject({
    kind: z.literal('mesh'),
    pointCount: z
      .union([z.literal(468), z.literal(478)])
      .describe('Points per frame: 468 (face mesh) or 478 (with 5 iris points per eye).'),
    neutralFrame: z
      .int()
      .min(0)
      .max(maxTemplateFrames - 1)
      .describe('The frame whose face is at rest (eyes open, mouth closed, facing the camera); expressions are measured from it.'),
    data: meshDataSchema.describe(
      'The binary file holding frameCount × pointCount × (x, y, z) in frame pixels, frame after frame, in mesh point order.',
    ),
    regions: z
      .strictObject({
        mouth: z
          .enum(['frame', 'drawn'])
          .describe("Where the mouth interior (teeth, tongue) comes from when the mouth opens: the template's own frame, or drawn by the renderer."),
        eyes: z
          .enum(['frame', 'drawn'])
          .describe("Where the eye regions come from where the user's lids cannot cover (blinks): the template's own frame, or drawn by the renderer."),
      })
      .describe("Sources of the regions the user's photo cannot supply. 'frame' needs a recorded background."),
  })
  .describe('Per frame, the full face mesh (x, y, z in frame pixels) of the face the template follows.');

/**
 * The template manifest schema, format version 2: version 1 plus the `mesh` face track. Every
 * version 1 field carries over unchanged (it is version 1's schema, extended), so a field added
 * to version 1 is in version 2 too.
 *
 * @public
 */
export const templateSchemaV2 = templateSchemaV1
  .extend({
    version: z.literal(2),
    faceTrack: z.discriminatedUnion('kind', [pointsFaceTrackSchema, keyframesFaceTrackSchema, meshFaceTrackSchema]),
  })
  .describe('A Vopop video template, format version 2.');

/** Every template format this SDK reads, told apart by `version`. @internal */
export const templateSchema = z.discriminatedUnion('version', [templateSchemaV1, templateSchemaV2]);

/** A validated template manifest, format version 1. @public */
export type TemplateV1 = z.infer<typeof templateSchemaV1>;
/** A validated template manifest, format version 2. @public */
export type TemplateV2 = z.infer<typeof templateSchemaV2>;
// Spelled as the union (what `z.infer<typeof templateSchema>` is) so that the public types name
// only public schemas.
/** A validated template manifest, format version 1 or 2. @public */
export type Template = TemplateV1 | TemplateV2;
/** A template's background source. @public */
export type TemplateBackground = Template['background'];
/** A procedural background generator and its parameters. @public */
export type BackgroundGenerator = z.infer<typeof backgroundGeneratorSchema>;
/** A template's face track. @public */
export type FaceTrack = Template['faceTrack'];
/** A `mesh` face track (format version 2). @public */
export type MeshFaceTrack = Extract<TemplateV2['faceTrack'], { kind: 'mesh' }>;
/** One similarity keyframe of a face track. @public */
export type FaceKeyframe = z.infer<typeof faceKeyframeSchema>;
