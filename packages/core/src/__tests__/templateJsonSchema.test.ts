import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assetPathProblem, templateJsonSchema } from '@vopop/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const committed = (version: 1 | 2) => path.join(repoRoot, 'docs', `template-v${version}.schema.json`);

describe('template JSON Schema', () => {
  it.each([1, 2] as const)('docs/template-v%i.schema.json is up to date (regenerate: see packages/node-adapter/scripts/contactSheets.ts)', (version) => {
    const expected = `${JSON.stringify(templateJsonSchema(version), null, 2)}\n`;
    expect(readFileSync(committed(version), 'utf8')).toBe(expected);
  });

  it('version 2 is the default and adds the mesh face track; version 1 has none', () => {
    expect(templateJsonSchema()).toEqual(templateJsonSchema(2));
    const kinds = (version: 1 | 2) =>
      ((templateJsonSchema(version) as any).properties.faceTrack.oneOf as any[]).map((option) => option.properties.kind.const);
    expect(kinds(1)).toEqual(['points', 'keyframes']);
    expect(kinds(2)).toEqual(['points', 'keyframes', 'mesh']);
    const mesh = (templateJsonSchema(2) as any).properties.faceTrack.oneOf[2];
    expect(mesh.additionalProperties).toBe(false);
    expect(mesh.properties.pointCount.anyOf.map((o: any) => o.const)).toEqual([468, 478]);
    expect((templateJsonSchema(2) as any).properties.version.const).toBe(2);
    expect((templateJsonSchema(1) as any).properties.version.const).toBe(1);
  });

  it('is strict: objects refuse unknown fields, and the size limits are stated', () => {
    const schema = templateJsonSchema() as any;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.mask.additionalProperties).toBe(false);
    expect(schema.properties.width).toMatchObject({ type: 'integer', minimum: 64, maximum: 1080, multipleOf: 2 });
    expect(schema.properties.height).toMatchObject({ maximum: 1920 });
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'version', 'id', 'background', 'faceTrack']));
  });

  it("asset-path pattern agrees with parseTemplate's rules on tricky paths", () => {
    const frames = (templateJsonSchema() as any).properties.background.oneOf.find(
      (option: any) => option.properties.kind.const === 'frames',
    );
    const pattern = new RegExp(frames.properties.frames.items.pattern, 'u');
    const samples = ['a.png', 'frames/0001.png', 'x..y.webp', '../a.png', '/a.png', 'A.PNG', 'a\\b.png', 'file:a.png', '.a.png', 'a//b.png', '%2e.png'];
    for (const sample of samples) expect(pattern.test(sample), sample).toBe(assetPathProblem(sample) === undefined && /\.(png|jpe?g|webp)$/.test(sample));
  });
});
