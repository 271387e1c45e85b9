import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInTemplates } from '@vopop/node-adapter';
import { qualityColumns } from '../qualityReport';
import { qualityRenderers } from '../qualityRenderers';
import { runQuality } from '../runQuality';

/** Columns every renderer gets a number in on any template (the others may say why not). */
const alwaysMeasured = ['placement NME', 'identity → photo', 'seam ΔE00', 'template ΔE00', 'gradient excess', 'flicker E_warp'];

describe('pnpm quality --quick', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'quality-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('renders, decodes back and writes a table with every column filled', async () => {
    const run = await runQuality({
      fixtures: ['astronaut.png'],
      templates: builtInTemplates.slice(0, 1),
      renderers: [qualityRenderers.v1],
      frameCount: 6,
      stride: 1,
      detailCount: 2,
      outDir,
      command: 'quality test',
    });
    const markdown = readFileSync(join(outDir, 'quality.md'), 'utf8');
    expect(markdown).toBe(run.markdown);
    const lines = markdown.split('\n');
    const headerAt = lines.indexOf(`| ${qualityColumns.join(' | ')} |`);
    expect(headerAt).toBeGreaterThan(0);
    const cells = lines[headerAt + 2]!.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells).toHaveLength(qualityColumns.length);
    const cell = (column: string) => cells[qualityColumns.indexOf(column as (typeof qualityColumns)[number])]!;
    for (const column of alwaysMeasured) expect(Number.isFinite(Number(cell(column))), `${column}: ${cell(column)}`).toBe(true);
    // The rest is a number or says why there is none; never empty, never NaN.
    for (const column of qualityColumns.slice(3)) expect(cell(column)).toMatch(/^(-?\d+(\.\d+)?|\d+\/\d+|n\/a \(.+\))$/);
    expect(cell('faces found')).toBe('6/6');
    // v1 drives no expression: said so, not a number.
    expect(cell('mouth r')).toMatch(/^n\/a \(static/);
    // The face was placed where the similarity says, to within a tenth of the eye distance, and
    // looks like the photo far more than two different fixture people look alike (0.35–0.43).
    const row = run.rows[0]!;
    expect(row.placement).toBeLessThan(0.1);
    expect(row.identityPhoto).toBeGreaterThan(0.75);
    expect(existsSync(join(outDir, 'quality', 'astronaut--confetti-pop.png'))).toBe(true);
  });
});
