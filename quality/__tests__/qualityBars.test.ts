import { describe, expect, it } from 'vitest';
import type { QualityRow } from '../qualityHarness';
import { barRows, barTally, barsOf } from '../qualityBars';

const measured = (correlation: number) => ({ kind: 'measured', correlation, drivingSpread: 0.05, outputSpread: 0.05 }) as const;

function row(overrides: Partial<QualityRow>): QualityRow {
  return {
    fixture: 'portrait.jpg',
    template: 'recorded',
    renderer: 'mesh-standard',
    detected: 30,
    analysed: 30,
    placement: 0.02,
    placementFloor: 0.017,
    mouth: measured(0.95),
    eyes: measured(0.9),
    identityPhoto: 0.8,
    identityActor: 0.45,
    actorToPhoto: 0.4,
    seamStep: 1.5,
    templateSeamStep: 0.5,
    gradientExcess: 0.5,
    flicker: 1,
    stills: [],
    width: 360,
    height: 640,
    ...overrides,
  };
}

describe('quality bars', () => {
  it('meets every bar on a case inside all four', () => {
    const bars = barsOf(row({}));
    expect([bars.expression.verdict, bars.placement.verdict, bars.identity.verdict, bars.seam.verdict]).toEqual(['met', 'met', 'met', 'met']);
  });

  it('misses each bar just past its limit', () => {
    expect(barsOf(row({ eyes: measured(0.79) })).expression.verdict).toBe('missed');
    expect(barsOf(row({ eyes: { kind: 'static-output', drivingSpread: 0.05, outputSpread: 0.001 } })).expression.verdict).toBe('missed');
    expect(barsOf(row({ placement: 0.017 * 1.51 })).placement.verdict).toBe('missed');
    expect(barsOf(row({ identityPhoto: 0.44 })).identity.verdict).toBe('missed');
    expect(barsOf(row({ seamStep: 2.51 })).seam.verdict).toBe('missed');
  });

  it('says why a bar does not apply instead of passing it', () => {
    const procedural = barsOf(row({ placementFloor: undefined, identityActor: undefined, actorToPhoto: undefined }));
    expect(procedural.placement).toEqual({ verdict: 'n/a', reason: 'no recorded face, no floor' });
    expect(procedural.identity.verdict).toBe('n/a');
    // The user is the actor: closer to the actor is no failure, and no success either.
    const self = barsOf(row({ identityPhoto: 0.82, identityActor: 0.95, actorToPhoto: 0.93 }));
    expect(self.identity).toMatchObject({ verdict: 'n/a' });
    const still = barsOf(row({ mouth: { kind: 'static-template', drivingSpread: 0, outputSpread: 0 }, eyes: { kind: 'static-template', drivingSpread: 0, outputSpread: 0 } }));
    expect(still.expression.verdict).toBe('n/a');
  });

  it('tallies cases and puts v1 beside the renderer under test', () => {
    const rows = [
      row({}),
      row({ renderer: 'v1', mouth: { kind: 'static-output', drivingSpread: 0.05, outputSpread: 0.002 } }),
      row({ fixture: 'three_people.jpg', seamStep: 3 }),
      row({ fixture: 'three_people.jpg', renderer: 'v1' }),
    ];
    const tally = barTally(rows, 'mesh-standard');
    expect(tally).toEqual({ met: 1, cases: 2, missed: ['three_people.jpg × recorded: seam'] });
    const table = barRows(rows, 'mesh-standard', 'v1');
    expect(table).toHaveLength(2);
    expect(table[0]![2]).toBe('mouth 0.95, eyes 0.90 (v1: mouth not following, eyes 0.90)');
    expect(table[1]![5]).toBe('**missed: ΔE +2.50** (v1: ΔE +1.00)');
  });
});
