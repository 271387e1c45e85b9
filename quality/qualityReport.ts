import type { ExpressionFollowing } from './metrics/expressionFollowing';
import type { QualityRow } from './qualityHarness';

/** The table's columns, in order; the end-to-end test checks every one is present and filled. */
export const qualityColumns = [
  'fixture',
  'template',
  'renderer',
  'faces found',
  'placement NME',
  'template floor',
  'mouth r',
  'eye r',
  'identity → photo',
  'identity → actor',
  'seam ΔE00',
  'template ΔE00',
  'gradient excess',
  'flicker E_warp',
] as const;

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a (not measured)';
}

function following(result: ExpressionFollowing): string {
  switch (result.kind) {
    case 'measured':
      return fixed(result.correlation, 2);
    case 'static-template':
      return 'n/a (static template)';
    case 'static-output':
      return `n/a (static, sd ${result.outputSpread.toFixed(3)} vs ${result.drivingSpread.toFixed(3)})`;
    case 'too-few-frames':
      return `n/a (face on ${result.frames} frames)`;
  }
}

/** One table row per renderer per case, as Markdown cells in {@link qualityColumns} order. */
export function rowCells(row: QualityRow): string[] {
  return [
    row.fixture,
    row.template,
    row.renderer,
    `${row.detected}/${row.analysed}`,
    fixed(row.placement, 3),
    row.placementFloor === undefined ? 'n/a (no recorded face)' : fixed(row.placementFloor, 3),
    following(row.mouth),
    following(row.eyes),
    fixed(row.identityPhoto, 3),
    row.identityActor === undefined ? 'n/a (no actor)' : fixed(row.identityActor, 3),
    fixed(row.seamStep, 2),
    fixed(row.templateSeamStep, 2),
    fixed(row.gradientExcess, 2),
    fixed(row.flicker, 2),
  ];
}

/** A Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Per renderer, the mean of each numeric figure over every case (NaN-free cases only). */
export function summaryRows(rows: readonly QualityRow[]): string[][] {
  const renderers = [...new Set(rows.map((r) => r.renderer))];
  return renderers.map((renderer) => {
    const mine = rows.filter((r) => r.renderer === renderer);
    const average = (pick: (r: QualityRow) => number, digits: number) => {
      const values = mine.map(pick).filter(Number.isFinite);
      return values.length === 0 ? 'n/a' : (values.reduce((a, b) => a + b, 0) / values.length).toFixed(digits);
    };
    return [
      renderer,
      String(mine.length),
      average((r) => r.placement, 3),
      average((r) => r.identityPhoto, 3),
      average((r) => r.seamStep, 2),
      average((r) => r.templateSeamStep, 2),
      average((r) => r.gradientExcess, 2),
      average((r) => r.flicker, 2),
    ];
  });
}
