import type { ExpressionFollowing } from './metrics/expressionFollowing';
import type { QualityRow } from './qualityHarness';

/*
 * The "must show" bars, checked case by case on the renderer under test, each beside the
 * v1 compositor's figure from the same run. A bar that cannot apply to a case (a template with no
 * recorded face has no placement floor; a user who is the template's actor has no identity margin
 * to win) says why instead of passing silently.
 */

/** Expression following: Pearson's r of mouth opening and of eye aspect ratio, each at least this. */
export const minimumFollowing = 0.8;
/** Placement: normalised mean error at most this many times the template's own floor. */
export const maximumFloorRatio = 1.5;
/** Seam: CIEDE2000 step across the edge at most this much above the untouched template's band. */
export const maximumSeamExcess = 2;
/**
 * Above this cosine similarity between the template's actor and the user's photo the two are the
 * same person (the identity scale in docs/quality.md: a face against its mirror image scores
 * 0.89–0.96, two different fixture people 0.33–0.44), and "closer to the user than to the actor"
 * means nothing.
 */
const samePersonSimilarity = 0.7;

/** One bar on one case: met, missed, or not applicable (with the reason). */
type BarResult =
  | { readonly verdict: 'met' | 'missed'; readonly figure: string }
  | { readonly verdict: 'n/a'; readonly reason: string };

/** The four bars of one fixture × template case for the renderer under test. */
export interface CaseBars {
  readonly fixture: string;
  readonly template: string;
  readonly expression: BarResult;
  readonly placement: BarResult;
  readonly identity: BarResult;
  readonly seam: BarResult;
}

function expressionBar(mouth: ExpressionFollowing, eyes: ExpressionFollowing): BarResult {
  const parts: string[] = [];
  let missed = false;
  for (const [name, following] of [['mouth', mouth], ['eyes', eyes]] as const) {
    if (following.kind === 'static-template') continue;
    if (following.kind !== 'measured') {
      parts.push(`${name} not following`);
      missed = true;
      continue;
    }
    parts.push(`${name} ${following.correlation.toFixed(2)}`);
    if (!(following.correlation >= minimumFollowing)) missed = true;
  }
  if (parts.length === 0) return { verdict: 'n/a', reason: 'the template drives no expression' };
  return { verdict: missed ? 'missed' : 'met', figure: parts.join(', ') };
}

function placementBar(row: QualityRow): BarResult {
  if (row.placementFloor === undefined) return { verdict: 'n/a', reason: 'no recorded face, no floor' };
  const ratio = row.placement / row.placementFloor;
  return { verdict: ratio <= maximumFloorRatio ? 'met' : 'missed', figure: `${ratio.toFixed(2)}× floor` };
}

function identityBar(row: QualityRow): BarResult {
  if (row.identityActor === undefined || row.actorToPhoto === undefined) return { verdict: 'n/a', reason: 'no actor' };
  if (row.actorToPhoto >= samePersonSimilarity) {
    return { verdict: 'n/a', reason: `the actor is this person (${row.actorToPhoto.toFixed(2)})` };
  }
  const margin = row.identityPhoto - row.identityActor;
  return { verdict: margin > 0 ? 'met' : 'missed', figure: `margin ${margin >= 0 ? '+' : ''}${margin.toFixed(3)}` };
}

function seamBar(row: QualityRow): BarResult {
  const excess = row.seamStep - row.templateSeamStep;
  if (!Number.isFinite(excess)) return { verdict: 'n/a', reason: 'seam not measured' };
  return { verdict: excess <= maximumSeamExcess ? 'met' : 'missed', figure: `ΔE +${excess.toFixed(2)}` };
}

/** Every bar for one renderer's row. */
export function barsOf(row: QualityRow): CaseBars {
  return {
    fixture: row.fixture,
    template: row.template,
    expression: expressionBar(row.mouth, row.eyes),
    placement: placementBar(row),
    identity: identityBar(row),
    seam: seamBar(row),
  };
}

function cell(result: BarResult): string {
  if (result.verdict === 'n/a') return `n/a (${result.reason})`;
  return result.verdict === 'met' ? result.figure : `**missed: ${result.figure}**`;
}

/**
 * Markdown rows: for each case, the renderer under test's bars, and v1's figure for the same bar
 * in brackets. `underTest` names the renderer the bars apply to.
 */
export function barRows(rows: readonly QualityRow[], underTest: string, baseline: string | undefined): string[][] {
  const out: string[][] = [];
  for (const row of rows.filter((r) => r.renderer === underTest)) {
    const bars = barsOf(row);
    const base = baseline
      ? rows.find((r) => r.renderer === baseline && r.fixture === row.fixture && r.template === row.template)
      : undefined;
    const baseBars = base ? barsOf(base) : undefined;
    const withBase = (pick: (b: CaseBars) => BarResult) => {
      const mine = cell(pick(bars));
      if (!baseBars) return mine;
      const theirs = pick(baseBars);
      return theirs.verdict === 'n/a' ? mine : `${mine} (v1: ${theirs.figure})`;
    };
    out.push([
      row.fixture,
      row.template,
      withBase((b) => b.expression),
      withBase((b) => b.placement),
      withBase((b) => b.identity),
      withBase((b) => b.seam),
    ]);
  }
  return out;
}

/** How many cases of the renderer under test meet every bar that applies to them. */
export function barTally(rows: readonly QualityRow[], underTest: string): { readonly met: number; readonly cases: number; readonly missed: readonly string[] } {
  const mine = rows.filter((r) => r.renderer === underTest).map(barsOf);
  const missed: string[] = [];
  let met = 0;
  for (const bars of mine) {
    const names = (['expression', 'placement', 'identity', 'seam'] as const).filter((name) => bars[name].verdict === 'missed');
    if (names.length === 0) met++;
    for (const name of names) missed.push(`${bars.fixture} × ${bars.template}: ${name}`);
  }
  return { met, cases: mine.length, missed };
}
