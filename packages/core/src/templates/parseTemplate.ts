import type * as z from 'zod';
import type { TemplateIssue } from '../errors/templateInvalidError';
import { TemplateInvalidError } from '../errors/templateInvalidError';
import { canonicalFivePoints } from '../geometry/canonicalFace';
import type { Template } from './templateSchema';
import { maxTemplateSeconds, templateSchema } from './templateSchema';

/**
 * How far outside the frame a face may be placed, as a multiple of the frame's size on each side.
 * A face may enter from off-screen, but a point a kilometre away is a mistake, and a crop that
 * large would make the renderer warp an absurd area.
 */
const reach = 1;

/** Smallest distance between the eye targets, in pixels: below it the similarity fit degenerates. */
const minEyeDistance = 2;

const canonicalEyeDistance = Math.hypot(
  canonicalFivePoints[2]! - canonicalFivePoints[0]!,
  canonicalFivePoints[3]! - canonicalFivePoints[1]!,
);

const identifier = /^[A-Za-z_$][\w$]*$/;

/** `['background', 'frames', 3]` → `background.frames[3]`, keys quoted when they need it. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else {
      const name = typeof key === 'symbol' ? '[symbol]' : key;
      if (identifier.test(name) && name.length <= 40) text += text === '' ? name : `.${name}`;
      else text += `[${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)}]`;
    }
  }
  return text === '' ? '(root)' : text;
}

/** The manifest's `version` when it is a known one, read without trusting `json`'s shape. */
function versionOf(json: unknown): 1 | 2 | undefined {
  const version = readField(json, 'version');
  return version === 1 || version === 2 ? version : undefined;
}

/** `value[key]`, or `undefined` for a non-object or a getter that throws (hostile input). */
function readField(value: unknown, key: string): unknown {
  try {
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `json.faceTrack.kind` is `'mesh'`, read without trusting `json`'s shape. */
function hasMeshTrack(json: unknown): boolean {
  return readField(readField(json, 'faceTrack'), 'kind') === 'mesh';
}

function issuesFromZod(error: z.ZodError, json: unknown): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const version = versionOf(json) ?? 1;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          path: formatIssuePath([...issue.path, key]),
          message: `unknown field (format version ${version} does not have it); remove it`,
        });
      }
    } else if (version === 1 && formatIssuePath(issue.path) === 'faceTrack.kind' && hasMeshTrack(json)) {
      // The commonest way to meet this: a v1 manifest given a mesh track by hand.
      issues.push({ path: 'faceTrack.kind', message: "a 'mesh' face track needs format version 2: set version to 2" });
    } else {
      issues.push({ path: formatIssuePath(issue.path), message: issue.message });
    }
  }
  return issues;
}

/** Rules that span several fields, checked once the shape is known to be right. */
function crossFieldIssues(t: Template): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const push = (path: readonly PropertyKey[], message: string) => {
    if (issues.length < 50) issues.push({ path: formatIssuePath(path), message });
  };
  if (t.frameCount > t.fps * maxTemplateSeconds) {
    push(['frameCount'], `clip is longer than ${maxTemplateSeconds} s: frameCount must be at most fps × ${maxTemplateSeconds}`);
  }
  const bg = t.background;
  if (bg.kind === 'frames' && bg.frames.length !== t.frameCount && bg.frames.length !== 1) {
    push(['background', 'frames'], 'needs one image per frame (frameCount of them), or exactly one for a still');
  }
  if (bg.kind === 'procedural' && bg.generator.name === 'bokeh' && bg.generator.minRadius > bg.generator.maxRadius) {
    push(['background', 'generator', 'minRadius'], 'must not be larger than maxRadius');
  }
  if (bg.kind === 'procedural' && bg.generator.name === 'hearts' && bg.generator.minSize > bg.generator.maxSize) {
    push(['background', 'generator', 'minSize'], 'must not be larger than maxSize');
  }
  const minX = -reach * t.width;
  const maxX = (1 + reach) * t.width;
  const minY = -reach * t.height;
  const maxY = (1 + reach) * t.height;
  const outside = (x: number, y: number) => x < minX || x > maxX || y < minY || y > maxY;
  const track = t.faceTrack;
  if (track.kind === 'mesh') {
    if (track.neutralFrame >= t.frameCount) {
      push(['faceTrack', 'neutralFrame'], 'neutral frame is past the last frame (frameCount − 1)');
    }
    for (const region of ['mouth', 'eyes'] as const) {
      if (track.regions[region] === 'frame' && bg.kind === 'procedural') {
        push(
          ['faceTrack', 'regions', region],
          "'frame' takes the region from the template's own frames, which a procedural background does not have; use 'drawn'",
        );
      }
    }
  } else if (track.kind === 'points') {
    if (track.points.length !== t.frameCount) {
      push(['faceTrack', 'points'], 'needs exactly one entry of 10 numbers per frame (frameCount entries)');
    }
    track.points.forEach((p, frame) => {
      for (let i = 0; i < 10; i += 2) {
        if (outside(p[i]!, p[i + 1]!)) {
          push(['faceTrack', 'points', frame, i], 'point is more than one frame size outside the frame');
          return;
        }
      }
      if (Math.hypot(p[2]! - p[0]!, p[3]! - p[1]!) < minEyeDistance) {
        push(['faceTrack', 'points', frame], `eye targets are closer than ${minEyeDistance} px; the face would vanish`);
      }
    });
  } else {
    const maxScale = 4 * Math.max(t.width, t.height);
    let previous = -1;
    track.keyframes.forEach((k, index) => {
      if (k.frame <= previous) push(['faceTrack', 'keyframes', index, 'frame'], 'keyframes must be in strictly increasing frame order');
      if (k.frame >= t.frameCount) push(['faceTrack', 'keyframes', index, 'frame'], 'keyframe is past the last frame (frameCount − 1)');
      if (outside(k.x, k.y)) push(['faceTrack', 'keyframes', index], 'face centre is more than one frame size outside the frame');
      if (k.scale > maxScale) push(['faceTrack', 'keyframes', index, 'scale'], 'face crop is larger than 4 × the frame');
      if (k.scale * canonicalEyeDistance < minEyeDistance) push(['faceTrack', 'keyframes', index, 'scale'], 'face crop is too small');
      previous = Math.max(previous, k.frame);
    });
  }
  return issues;
}

/** Templates this module produced: frozen, so still valid; never validated twice. */
const validated = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validate an untrusted template manifest (already `JSON.parse`d) and return it as a
 * {@link Template}, deeply frozen, so that caches keyed on the template object stay true.
 *
 * Whatever `json` is, this either returns a valid template or throws a
 * {@link TemplateInvalidError} listing the problems, first offending path first; it throws
 * nothing else (a value whose getters throw is reported as unreadable).
 *
 * @public
 */
export function parseTemplate(json: unknown): Template {
  let result: ReturnType<typeof templateSchema.safeParse>;
  try {
    result = templateSchema.safeParse(json);
  } catch (cause) {
    throw new TemplateInvalidError([{ path: '(root)', message: 'manifest could not be read as plain JSON data' }], { cause });
  }
  if (!result.success) throw new TemplateInvalidError(issuesFromZod(result.error, json));
  const issues = crossFieldIssues(result.data);
  if (issues.length > 0) throw new TemplateInvalidError(issues);
  const template = deepFreeze(result.data);
  validated.add(template);
  return template;
}

/**
 * `template` itself when it came from {@link parseTemplate} (frozen, so still valid), otherwise
 * its validated copy. Consumers that take a `Template` call this so that an object merely typed
 * as one (built by hand, or mutated) cannot ask for a billion confetti pieces.
 *
 * @throws TemplateInvalidError when the object is not a valid template.
 */
export function ensureValidTemplate(template: Template): Template {
  return validated.has(template) ? template : parseTemplate(template);
}

/**
 * Like {@link parseTemplate}, but returns the outcome instead of throwing.
 *
 * @public
 */
export function safeParseTemplate(
  json: unknown,
): { readonly success: true; readonly template: Template } | { readonly success: false; readonly error: TemplateInvalidError } {
  try {
    return { success: true, template: parseTemplate(json) };
  } catch (error) {
    if (error instanceof TemplateInvalidError) return { success: false, error };
    throw error;
  }
}
