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

  it('renders with the mesh renderer and the v1 compositor, decodes back and fills every column', async () => {
    const run = await runQuality({
      fixtures: ['astronaut.png'],
      templates: builtInTemplates.slice(0, 1),
      renderers: [qualityRenderers['mesh-standard'], qualityRenderers.v1],
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
    const rows = [lines[headerAt + 2]!, lines[headerAt + 3]!].map((line) => line.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows.map((cells) => cells[qualityColumns.indexOf('renderer')])).toEqual(['mesh-standard', 'v1']);
    for (const cells of rows) {
      expect(cells).toHaveLength(qualityColumns.length);
      const cell = (column: string) => cells[qualityColumns.indexOf(column as (typeof qualityColumns)[number])]!;
      for (const column of alwaysMeasured) expect(Number.isFinite(Number(cell(column))), `${column}: ${cell(column)}`).toBe(true);
      // The rest is a number or says why there is none; never empty, never NaN.
      for (const column of qualityColumns.slice(3)) expect(cell(column)).toMatch(/^(-?\d+(\.\d+)?|\d+\/\d+|n\/a \(.+\))$/);
      expect(cell('faces found')).toBe('6/6');
    }
    for (const row of run.rows) {
      // The face was placed where the renderer meant it, to within a tenth of the eye distance,
      // and looks like the photo far more than two different fixture people look alike (0.35–0.43).
      expect(row.placement, row.renderer).toBeLessThan(0.1);
      expect(row.identityPhoto, row.renderer).toBeGreaterThan(0.75);
    }
    expect(existsSync(join(outDir, 'quality', 'astronaut--confetti-pop.png'))).toBe(true);
  });
});
