import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assetPathProblem,
  builtInTemplates,
  isVopopError,
  parseTemplate,
  resolveFaceTrack,
  safeParseTemplate,
  TemplateInvalidError,
} from '@vopop/core';

/** A deep, mutable copy of a built-in's manifest, to mutate. */
function manifest(id = 'confetti-pop'): Record<string, any> {
  const template = builtInTemplates.find((t) => t.id === id);
  if (template === undefined) throw new Error(`no built-in ${id}`);
  return structuredClone(template) as Record<string, any>;
}

/** A manifest with a per-frame points track (90 frames) and image-frame background. */
function pointsManifest(frames = 90): Record<string, any> {
  const m = manifest();
  m.frameCount = frames;
  m.faceTrack = {
    kind: 'points',
    points: Array.from({ length: frames }, (_, f) => [300 + f, 500, 420 + f, 500, 360 + f, 580, 320 + f, 650, 400 + f, 650]),
  };
  m.background = { kind: 'frames', frames: Array.from({ length: frames }, (_, f) => `frames/f${String(f).padStart(4, '0')}.png`) };
  return m;
}

function issuesOf(json: unknown): readonly { path: string; message: string }[] {
  const result = safeParseTemplate(json);
  if (result.success) throw new Error('expected the manifest to be rejected');
  return result.error.issues;
}

describe('parseTemplate', () => {
  it('accepts every built-in and a points-track manifest, and returns a frozen copy', () => {
    for (const t of builtInTemplates) expect(parseTemplate(manifest(t.id))).toEqual(t);
    const m = pointsManifest();
    const parsed = parseTemplate(m);
    expect(parsed.frameCount).toBe(90);
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.faceTrack)).toBe(true);
    expect(parsed).not.toBe(m);
    expect(parseTemplate({ ...m, background: { kind: 'video', path: 'clip.mp4' } }).background).toEqual({
      kind: 'video',
      path: 'clip.mp4',
    });
  });

  it('rejects unknown fields anywhere, naming the field', () => {
    const m = manifest();
    m.mask.sharpen = true;
    const error = (() => {
      try {
        parseTemplate(m);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TemplateInvalidError);
    const invalid = error as TemplateInvalidError;
    expect(invalid.code).toBe('TEMPLATE_INVALID');
    expect(invalid.issues[0]?.path).toBe('mask.sharpen');
    expect(invalid.message).toContain('mask.sharpen');
    expect(isVopopError(invalid)).toBe(true);

    const top = manifest();
    Object.defineProperty(top, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
    expect(issuesOf(top)[0]?.path).toBe('__proto__');
    expect(issuesOf(JSON.parse(`{"__proto__":{"polluted":1},${JSON.stringify(manifest()).slice(1)}`))[0]?.path).toBe(
      '__proto__',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects out-of-range sizes, odd sizes, counts and frame-count mismatches', () => {
    const cases: [(m: Record<string, any>) => void, string][] = [
      [(m) => (m.width = 1082), 'width'],
      [(m) => (m.width = 721), 'width'],
      [(m) => (m.height = 62), 'height'],
      [(m) => (m.height = 1922), 'height'],
      [(m) => (m.fps = 0), 'fps'],
      [(m) => (m.fps = 61), 'fps'],
      [(m) => (m.fps = 29.97), 'fps'],
      [(m) => (m.frameCount = 0), 'frameCount'],
      [(m) => ((m.fps = 1), (m.frameCount = 61)), 'frameCount'],
      [(m) => (m.frameCount = Number.NaN), 'frameCount'],
      [(m) => (m.colourMatch.strength = 1.01), 'colourMatch.strength'],
      [(m) => (m.mask.feather = -0.1), 'mask.feather'],
      [(m) => (m.version = 3), 'version'],
      [(m) => (m.format = 'other'), 'format'],
      [(m) => (m.id = 'Has Spaces'), 'id'],
      [(m) => (m.title = 'x'.repeat(10_000)), 'title'],
      [(m) => (m.faceTrack.keyframes[1].frame = 0), 'faceTrack.keyframes[1].frame'],
      [(m) => (m.faceTrack.keyframes[4].frame = 90), 'faceTrack.keyframes[4].frame'],
      [(m) => (m.faceTrack.keyframes[0].x = 5000), 'faceTrack.keyframes[0]'],
      [(m) => (m.background.generator.count = 100_000), 'background.generator.count'],
      [(m) => (m.background.generator.name = 'plasma'), 'background.generator.name'],
      [(m) => (m.background.generator.top = 'red'), 'background.generator.top'],
    ];
    for (const [mutate, path] of cases) {
      const m = manifest();
      mutate(m);
      expect(issuesOf(m)[0]?.path, path).toBe(path);
    }
    const hearts = manifest('floating-hearts');
    hearts.background.generator.minSize = 100;
    expect(issuesOf(hearts)[0]?.path).toBe('background.generator.minSize');
    const bokeh = manifest('neon-bounce');
    bokeh.background.generator.minRadius = 150;
    expect(issuesOf(bokeh)[0]?.path).toBe('background.generator.minRadius');
    const short = pointsManifest();
    short.faceTrack.points.pop();
    expect(issuesOf(short).map((i) => i.path)).toContain('faceTrack.points');
    const fewerFrames = pointsManifest();
    fewerFrames.background.frames.pop();
    expect(issuesOf(fewerFrames)[0]?.path).toBe('background.frames');
    const badPoint = pointsManifest();
    badPoint.faceTrack.points[3][4] = Number.POSITIVE_INFINITY;
    expect(issuesOf(badPoint)[0]?.path).toBe('faceTrack.points[3][4]');
    const collapsed = pointsManifest();
    collapsed.faceTrack.points[5] = [400, 500, 400, 500, 400, 500, 400, 500, 400, 500];
    expect(issuesOf(collapsed)[0]?.path).toBe('faceTrack.points[5]');
    const wrongWidth = pointsManifest();
    wrongWidth.faceTrack.points[7].push(1);
    expect(issuesOf(wrongWidth)[0]?.path).toBe('faceTrack.points[7]');
  });

  it.each([
    ['../outside.png', '..'],
    ['frames/../../outside.png', '..'],
    ['/etc/passwd.png', 'absolute'],
    ['C:/frames/a.png', 'drive letter'],
    ['frames\\a.png', 'backslash'],
    ['file:///etc/a.png', 'URL scheme'],
    ['http://host/a.png', 'URL scheme'],
    ['data:image/png;base64,AAAA.png', 'URL scheme'],
    ['frames/a\u0000.png', 'NUL'],
    ['%2e%2e/a.png', 'percent'],
    ['frames//a.png', 'empty'],
    ['./a.png', '"."'],
    ['.hidden.png', 'segments'],
    ['', 'empty'],
    [`${'d/'.repeat(20)}a.png`, 'deeper'],
  ])('rejects the asset path %j and names it', (bad, reason) => {
    const m = pointsManifest();
    m.background.frames[2] = bad;
    const issues = issuesOf(m);
    expect(issues[0]?.path).toBe('background.frames[2]');
    expect(issues[0]?.message).toContain(reason);
    expect(assetPathProblem(bad)).toBeDefined();
    const video = manifest();
    video.background = { kind: 'video', path: bad.replace(/\.png$/, '.mp4') };
    expect(issuesOf(video)[0]?.path).toBe('background.path');
  });

  it('wants lower-case extensions of the right kind (the JSON Schema cannot say "case-insensitive")', () => {
    const m = pointsManifest();
    m.background.frames[0] = 'frames/A.PNG';
    m.background.frames[1] = 'frames/clip.mp4';
    expect(issuesOf(m).map((i) => [i.path, i.message.includes('lower-case')])).toEqual([
      ['background.frames[0]', true],
      ['background.frames[1]', true],
    ]);
  });

  it('accepts ordinary relative asset paths', () => {
    for (const good of ['a.png', 'frames/0001.png', 'deep/er/still_ok-1.jpeg', 'x..y.webp']) {
      expect(assetPathProblem(good), good).toBeUndefined();
    }
  });

  it('never throws anything but TemplateInvalidError, and never reads a getter twice into trouble', () => {
    const hostile = new Proxy(manifest(), {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => parseTemplate(hostile)).toThrow(TemplateInvalidError);
    for (const value of [undefined, null, 0, 'template', [], [manifest()], () => 1, Symbol('s'), 10n, new Date(0)]) {
      expect(() => parseTemplate(value), String(typeof value)).toThrow(TemplateInvalidError);
    }
  });
});

// ---- fuzzing: mutate valid manifests and insist on "valid, or TemplateInvalidError" ----

type Json = Record<string, unknown> | unknown[];

/** Every container in the manifest with the keys it holds, so a mutation can pick any of them. */
function containers(value: unknown, out: { holder: Json; key: string | number }[] = [], depth = 0): typeof out {
  // Earlier mutations may have planted deep or huge values; mutate near the manifest's own shape.
  if (depth > 6 || out.length > 4000) return out;
  if (Array.isArray(value)) {
    value.forEach((child, index) => {
      out.push({ holder: value, key: index });
      containers(child, out, depth + 1);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push({ holder: value as Record<string, unknown>, key });
      containers((value as Record<string, unknown>)[key], out, depth + 1);
    }
  }
  return out;
}

function deepNest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const pathTricks = [
  '../x.png',
  '/abs.png',
  'C:\\x.png',
  'file:///x.mp4',
  'a\u0000.png',
  '%2e%2e/x.png',
  'a//b.png',
  'frames/./a.png',
  'ok.png',
  'clip.mp4',
  '..',
  '\\\\server\\share.png',
];
const weirdValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, -0, 0, 1e308, -1e308, 2 ** 53, 0.5, 1081, 1920, 3601),
  fc.constantFrom(...pathTricks),
  fc.string({ maxLength: 20 }),
  fc.constant('x'.repeat(100_000)),
  // Fresh each time (map), so one run's mutations never alias another's values.
  fc.constant(2000).map(deepNest),
  fc.constant(5000).map((n) => Array.from({ length: n }, () => 1)),
  fc.constantFrom('procedural', 'frames', 'video', 'points', 'keyframes', 'confetti', 'bokeh', 'lightSweep', 'hearts', '#ffffff'),
);
const extraKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), fc.string({ maxLength: 12 }));

const mutation = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: weirdValue }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: extraKey, value: weirdValue }),
);

function applyMutation(root: Record<string, unknown>, m: any): void {
  const all = containers(root);
  const slot = all[m.at % Math.max(1, all.length)];
  if (slot === undefined) return;
  const { holder, key } = slot;
  if (m.op === 'drop') {
    if (Array.isArray(holder)) {
      // By hand: an earlier mutation may have given the array an own "constructor", which splice trips on.
      for (let i = key as number; i + 1 < holder.length; i++) holder[i] = holder[i + 1];
      holder.length -= 1;
    }
    else delete holder[key as string];
  } else if (m.op === 'replace') {
    (holder as Record<string | number, unknown>)[key] = m.value;
  } else {
    const target = (holder as Record<string | number, unknown>)[key];
    const into = target !== null && typeof target === 'object' ? target : holder;
    // defineProperty, so "__proto__" becomes an own key as JSON.parse would make it.
    Object.defineProperty(into, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  }
}

describe('parseTemplate under fuzzing', () => {
  it('turns 1,200 mutated manifests into a valid template or a TemplateInvalidError, nothing else', () => {
    const bases = [...builtInTemplates.map((t) => () => manifest(t.id)), () => pointsManifest(90), () => pointsManifest(3)];
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, mutations) => {
        const m = bases[base]!();
        for (const mu of mutations) applyMutation(m, mu);
        let template;
        try {
          template = parseTemplate(m);
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateInvalidError);
          const issues = (error as TemplateInvalidError).issues;
          expect(issues.length).toBeGreaterThan(0);
          expect(issues.length).toBeLessThanOrEqual(50);
          expect((error as Error).message.length).toBeLessThan(600);
          invalid++;
          return;
        }
        valid++;
        // A template that passed is usable: its track resolves to finite points on every frame.
        const track = resolveFaceTrack(template);
        const out = new Float32Array(10);
        for (let f = 0; f < template.frameCount; f += 7) {
          track(f, out);
          expect(out.every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 1200, seed: 4242 },
    );
    expect(valid + invalid).toBe(1200);
    // Both outcomes are exercised, or the fuzzer is not testing what it claims.
    expect(valid).toBeGreaterThan(20);
    expect(invalid).toBeGreaterThan(600);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
