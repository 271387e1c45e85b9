/**
 * Writes the template documentation images and schema:
 *
 * - docs/templates/<id>.png for every built-in template: frames at 0, ¼, ½, ¾ and the last, side
 *   by side and downscaled, each with the target face box and the 5 target points drawn over the
 *   background, so a reader sees the camera move and the animation at a glance;
 * - docs/template-v1.schema.json and docs/template-v2.schema.json, the JSON Schemas for template
 *   authors (a core test checks that the committed copies match the schemas in code).
 *
 * Run from the repository root with the source condition, so that `@vopop/core` is read from
 * `src` without a build:
 *
 *     NODE_OPTIONS=--conditions=@vopop/source npx tsx packages/node-adapter/scripts/contactSheets.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Template } from '@vopop/core';
import { BackgroundRenderer, builtInTemplates, canonicalFivePoints, defaultTemplateId, resolveFaceTrack, templateJsonSchema } from '@vopop/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const docsDir = path.join(repoRoot, 'docs');

/** Each frame in the sheet is this many pixels wide. */
const tileWidth = 240;
const gap = 14;
const margin = 20;
const header = 58;
const footer = 30;

/**
 * The crop square that the 5 target points imply: fit the similarity that maps the canonical
 * points (fractions of a unit crop) onto the targets, by least squares in complex numbers, and
 * map the unit square's corners through it. That square is what the renderer fills with the face.
 */
function faceBox(points: Float32Array): [number, number][] {
  let wx = 0;
  let wy = 0;
  let zx = 0;
  let zy = 0;
  for (let i = 0; i < 10; i += 2) {
    wx += canonicalFivePoints[i]! / 5;
    wy += canonicalFivePoints[i + 1]! / 5;
    zx += points[i]! / 5;
    zy += points[i + 1]! / 5;
  }
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < 10; i += 2) {
    const ax = canonicalFivePoints[i]! - wx;
    const ay = canonicalFivePoints[i + 1]! - wy;
    const bx = points[i]! - zx;
    const by = points[i + 1]! - zy;
    // (b) · conj(a)
    re += bx * ax + by * ay;
    im += by * ax - bx * ay;
    norm += ax * ax + ay * ay;
  }
  const a = re / norm;
  const b = im / norm;
  const map = (x: number, y: number): [number, number] => [zx + a * (x - wx) - b * (y - wy), zy + b * (x - wx) + a * (y - wy)];
  return [map(0, 0), map(1, 0), map(1, 1), map(0, 1)];
}

const pointColours = ['#35e0ff', '#35e0ff', '#ffe14d', '#ff5fd2', '#ff5fd2'];

function overlaySvg(template: Template, frame: number, points: Float32Array, scale: number, tileHeight: number): string {
  const s = (v: number) => (v * scale).toFixed(1);
  const box = faceBox(points)
    .map(([x, y]) => `${s(x)},${s(y)}`)
    .join(' ');
  const dots = pointColours
    .map((colour, i) => `<circle cx="${s(points[2 * i]!)}" cy="${s(points[2 * i + 1]!)}" r="3.2" fill="${colour}" stroke="#000" stroke-width="1"/>`)
    .join('');
  const seconds = (frame / template.fps).toFixed(2);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${tileWidth}" height="${tileHeight}">` +
    `<polygon points="${box}" fill="none" stroke="#000" stroke-opacity="0.55" stroke-width="4"/>` +
    `<polygon points="${box}" fill="none" stroke="#ffffff" stroke-width="2" stroke-dasharray="7 4"/>` +
    dots +
    `<rect x="6" y="${tileHeight - 28}" width="112" height="22" rx="5" fill="#000" fill-opacity="0.8"/>` +
    `<text x="13" y="${tileHeight - 12}" font-family="DejaVu Sans, sans-serif" font-size="13" fill="#fff">` +
    `frame ${frame} · ${seconds} s</text></svg>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function contactSheet(template: Template): Promise<Buffer> {
  const { width, height, frameCount } = template;
  const scale = tileWidth / width;
  const tileHeight = Math.round(height * scale);
  const frames = [0, 0.25, 0.5, 0.75, 1].map((q) => Math.round(q * (frameCount - 1)));
  const renderer = new BackgroundRenderer(template);
  const track = resolveFaceTrack(template);
  const rgba = new Uint8Array(width * height * 4);
  const tiles: sharp.OverlayOptions[] = [];
  for (const [index, frame] of frames.entries()) {
    renderer.render(frame, rgba);
    const points = track(frame);
    const tile = await sharp(rgba, { raw: { width, height, channels: 4 } })
      .resize(tileWidth, tileHeight, { kernel: 'lanczos3' })
      .composite([{ input: Buffer.from(overlaySvg(template, frame, points, scale, tileHeight)) }])
      .png()
      .toBuffer();
    tiles.push({ input: tile, left: margin + index * (tileWidth + gap), top: header });
  }
  const sheetWidth = 2 * margin + frames.length * tileWidth + (frames.length - 1) * gap;
  const sheetHeight = header + tileHeight + footer;
  const title =
    `${escapeXml(template.title)}${template.id === defaultTemplateId ? ' (default)' : ''}`;
  const meta = `${template.id} · ${width}×${height} · ${template.fps} fps · ${(frameCount / template.fps).toFixed(1)} s · ${escapeXml(template.licence)}`;
  const legend =
    'dashed: target face crop · cyan: eyes · yellow: nose tip · pink: mouth corners';
  const text =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${sheetWidth}" height="${sheetHeight}">` +
    `<text x="${margin}" y="34" font-family="DejaVu Sans, sans-serif" font-size="22" font-weight="bold" fill="#f2f2f2">${title}</text>` +
    `<text x="${sheetWidth - margin}" y="34" text-anchor="end" font-family="DejaVu Sans, sans-serif" font-size="14" fill="#b8b8c8">${meta}</text>` +
    `<text x="${margin}" y="${sheetHeight - 10}" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#9a9aaa">${legend}</text>` +
    '</svg>';
  return sharp({ create: { width: sheetWidth, height: sheetHeight, channels: 4, background: '#16161d' } })
    .composite([...tiles, { input: Buffer.from(text), left: 0, top: 0 }])
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
}

async function main(): Promise<void> {
  const sheetsDir = path.join(docsDir, 'templates');
  mkdirSync(sheetsDir, { recursive: true });
  for (const template of builtInTemplates) {
    const file = path.join(sheetsDir, `${template.id}.png`);
    writeFileSync(file, await contactSheet(template));
    process.stdout.write(`wrote ${path.relative(repoRoot, file)}\n`);
  }
  for (const version of [1, 2] as const) {
    const schemaFile = path.join(docsDir, `template-v${version}.schema.json`);
    writeFileSync(schemaFile, `${JSON.stringify(templateJsonSchema(version), null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(repoRoot, schemaFile)}\n`);
  }
}

await main();
