import { describe, expect, it } from 'vitest';
import { telemetryReportSchema } from '@vopop/core';
import { memoryIo } from './memoryIo';
import { telemetryCommand } from '../telemetryCommand';

describe('vopop telemetry show', () => {
  it('--json prints the vocabulary and a report that passes the strict report schema', async () => {
    const io = memoryIo();
    expect(await telemetryCommand(['show', '--json'], io)).toBe(0);
    const { report, vocabulary } = JSON.parse(io.out) as { report: unknown; vocabulary: { events: object } };
    const parsed = telemetryReportSchema.parse(report);
    expect(parsed.outcomes).toEqual([{ outcome: 'OK', count: 10 }]);
    expect(parsed.platform).toBe('node');
    expect(parsed.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(vocabulary.events)).toEqual(['generation.outcome', 'generation.stage', 'photo.size', 'feature.used']);
  });

  it('under the threshold, the example report carries no counts (they stay on the device)', async () => {
    const io = memoryIo();
    expect(await telemetryCommand(['show', '--generations', '3', '--json'], io)).toBe(0);
    const { report } = JSON.parse(io.out) as { report: { outcomes: unknown[]; stageDurations: unknown[] } };
    expect(report.outcomes).toEqual([]);
    expect(report.stageDurations).toEqual([]);
  });

  it('prints text by default, saying the CLI itself sends nothing', async () => {
    const io = memoryIo();
    expect(await telemetryCommand(['show'], io)).toBe(0);
    expect(io.out).toContain('records and sends nothing');
    expect(io.out).toContain('generation.outcome');
  });

  it.each([[[]], [['send']], [['show', '--generations', 'many']], [['show', 'extra']], [['show', '--bogus']]])(
    'usage error for %j',
    async (args) => {
      const io = memoryIo();
      expect(await telemetryCommand(args, io)).toBe(2);
      expect(io.err).toContain('Usage: vopop telemetry show');
    },
  );
});
