import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  TelemetryRecorder,
  durationBuckets,
  photoSizeClasses,
  telemetryEventSchema,
  telemetryFeatures,
  telemetryOutcomes,
  telemetryPlatforms,
  telemetryStages,
} from '../index';
import type { TelemetryReport } from '../index';

// P7, property-based: over 10,000 random event objects — valid ones, valid ones with a planted
// identifier added or swapped in, and arbitrary nested values — exactly the valid ones are
// counted, and the report that would leave the device contains no planted identifier: every key
// and every string in it comes from the closed vocabulary, and every number is a count.

const day = Date.UTC(2026, 11, 3, 9, 41, 17, 123);

const validEvent = fc.oneof(
  fc.record({ name: fc.constant('generation.outcome'), outcome: fc.constantFrom(...telemetryOutcomes) }),
  fc.record({
    name: fc.constant('generation.stage'),
    stage: fc.constantFrom(...telemetryStages),
    duration: fc.constantFrom(...durationBuckets),
  }),
  fc.record({ name: fc.constant('photo.size'), sizeClass: fc.constantFrom(...photoSizeClasses) }),
  fc.record({ name: fc.constant('feature.used'), feature: fc.constantFrom(...telemetryFeatures), used: fc.boolean() }),
);

/** Values that identify someone or something, or say more than the schema allows. */
const identifier: fc.Arbitrary<string | number | object> = fc.oneof(
  fc.uuid(),
  fc.emailAddress(),
  fc.date({ min: new Date(2000, 0, 1), max: new Date(2100, 0, 1), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }), // a millisecond timestamp
  fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)), // a raw measurement
  fc.stringMatching(/^[0-9a-f]{16,40}$/), // a device or install id
  fc.string({ minLength: 8, maxLength: 40 }).map((s) => `user ${s}`), // free text
  fc.uuid().map((id) => ({ user: { id, tags: [id] } })), // nested
);

/** Every text an identifier could be found by in a serialized report. */
function needles(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (value && typeof value === 'object') return Object.values(value as object).flatMap(needles);
  return [];
}

type Case = { readonly event: unknown; readonly valid: boolean; readonly planted: unknown };

const eventCase: fc.Arbitrary<Case> = fc.oneof(
  validEvent.map((event) => ({ event, valid: true, planted: undefined })),
  // A valid event with one more field holding an identifier.
  fc
    .tuple(validEvent, fc.constantFrom('userId', 'deviceId', 'email', 'timestamp', 'photoName', 'extra'), identifier)
    .map(([event, key, planted]) => ({ event: { ...event, [key]: planted }, valid: false, planted })),
  // A valid event with one of its fields replaced by an identifier.
  fc.tuple(validEvent, identifier).map(([event, planted]) => {
    const keys = Object.keys(event).filter((k) => k !== 'name');
    const key = keys[Math.abs(String(planted).length) % keys.length]!;
    return { event: { ...event, [key]: planted }, valid: false, planted };
  }),
  // An event name outside the enumeration.
  fc.tuple(validEvent, identifier).map(([event, planted]) => ({ event: { ...event, name: planted }, valid: false, planted })),
  // Anything at all: nested objects, arrays, raw numbers, strings.
  fc.anything({ maxDepth: 3 }).map((event) => ({ event, valid: false, planted: event })),
);

const allowedKeys = new Set([
  'schema', 'day', 'sdkVersion', 'platform', 'platformVersion', 'outcomes', 'stageDurations', 'photoSizes',
  'features', 'outcome', 'count', 'stage', 'duration', 'sizeClass', 'feature', 'yes', 'no', 'truthProbability',
]);
const allowedStrings = new Set<string>([
  'vopop.telemetry/1', '2026-12-03', '0.1', '20', ...telemetryPlatforms, ...telemetryOutcomes, ...telemetryStages,
  ...durationBuckets, ...photoSizeClasses, ...telemetryFeatures,
]);

/** Every key and string of the report is from the closed vocabulary; every number a count or p. */
function vocabularyViolations(value: unknown, at = 'report'): string[] {
  if (typeof value === 'string') return allowedStrings.has(value) ? [] : [`${at}: ${value}`];
  if (typeof value === 'number') return Number.isInteger(value) || at.endsWith('truthProbability') ? [] : [`${at}: ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => vocabularyViolations(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      allowedKeys.has(k) ? vocabularyViolations(v, `${at}.${k}`) : [`${at}: key ${k}`],
    );
  }
  return [`${at}: ${typeof value}`];
}

function recorder(): TelemetryRecorder {
  return new TelemetryRecorder({
    enabled: true,
    sink: { send: () => Promise.resolve() },
    sdkVersion: '0.1',
    platform: 'node',
    platformVersion: '20',
    minimumCount: 2,
    truthProbability: 1,
    wallClock: () => day,
  });
}

/** Records the case's event often enough to pass the threshold; the report that would leave. */
function reportFor(telemetry: { record(event: unknown): boolean; preview(): unknown }, event: unknown): { accepted: boolean; report: string } {
  let accepted = false;
  for (let i = 0; i < 3; i++) accepted = telemetry.record(event) || accepted;
  return { accepted, report: JSON.stringify(telemetry.preview()) };
}

function holds(telemetry: () => { record(event: unknown): boolean; preview(): unknown }) {
  return fc.property(eventCase, ({ event, valid, planted }) => {
    const { accepted, report } = reportFor(telemetry(), event);
    expect(accepted).toBe(valid);
    expect(vocabularyViolations(JSON.parse(report))).toEqual([]);
    for (const needle of needles(planted)) {
      // Shorter fragments ('OK', '1') occur in any report by chance; the vocabulary check above
      // already proves that nothing outside the closed vocabulary is there at all.
      if (needle.length >= 6) expect(report).not.toContain(needle);
    }
  });
}

describe('telemetry schema (P7, property-based)', () => {
  it('10,000 random event objects: only schema-valid ones are counted; no planted identifier leaves', () => {
    fc.assert(holds(recorder), { numRuns: 10_000, seed: 20261203 });
  });

  it('a valid event is counted and appears in the report once past the threshold (the property can see counts)', () => {
    const telemetry = recorder();
    reportFor(telemetry, { name: 'feature.used', feature: 'share', used: true });
    const report: TelemetryReport = telemetry.preview();
    expect(report.features).toEqual([{ feature: 'share', yes: 3, no: 0, truthProbability: 1 }]);
  });

  it('mutant: a recorder that keeps events whole under a loose schema is caught by the same property', () => {
    const loose = z.discriminatedUnion(
      'name',
      telemetryEventSchema.options.map((option) => option.loose()) as never,
    );
    const leaky = () => {
      const kept: unknown[] = [];
      return {
        record: (event: unknown) => loose.safeParse(event).success && kept.push(event) > 0,
        preview: () => ({ ...recorder().preview(), outcomes: kept }),
      };
    };
    const result = fc.check(holds(leaky), { numRuns: 2_000, seed: 20261203 });
    expect(result.failed).toBe(true);
  });
});
