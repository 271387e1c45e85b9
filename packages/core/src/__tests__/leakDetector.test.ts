import { describe, expect, it, vi } from 'vitest';
import { EphemeralHandle, EphemeralScope, leakDetector, type LeakReport } from '@vopop/core';

const gc = (globalThis as { gc?: () => void }).gc;

/** Drop references inside a function frame so that nothing on this stack keeps them alive. */
function abandon(make: () => unknown): void {
  make();
}

async function collectUntil(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 50 && !done(); attempt++) {
    gc!();
    // Finalization callbacks run as separate tasks after a collection.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('leak detector (runs with --expose-gc)', () => {
  it('has gc exposed, or this test would prove nothing', () => {
    expect(typeof gc).toBe('function');
    expect(leakDetector.supported).toBe(true);
  });

  it('reports a handle collected without purge, by kind and label only', async () => {
    const reports: LeakReport[] = [];
    const previous = leakDetector.setReporter((report) => reports.push(report));
    try {
      abandon(() => EphemeralHandle.hold(new Uint8Array(1 << 16).fill(7), { kind: 'pixels', label: 'forgotten.pixels' }));
      abandon(() => {
        const scope = new EphemeralScope({ label: 'forgotten' });
        scope.hold(new Uint8Array(64).fill(9), { kind: 'landmarks', label: 'forgotten.landmarks' });
      });
      await collectUntil(() => reports.length >= 2);
      expect(reports.map((r) => r.label).sort()).toEqual(['forgotten.landmarks', 'forgotten.pixels']);
      expect(reports.every((r) => Object.keys(r).sort().join() === 'createdAt,kind,label')).toBe(true);
    } finally {
      leakDetector.setReporter(previous);
    }
  });

  it('stays silent for handles that were purged or moved', async () => {
    const reports: LeakReport[] = [];
    const previous = leakDetector.setReporter((report) => reports.push(report));
    try {
      abandon(() => EphemeralHandle.hold(new Uint8Array(32), { kind: 'buffer', label: 'purged' }).purge());
      abandon(() => {
        const scope = new EphemeralScope();
        scope.hold(new Uint8Array(32), { kind: 'buffer', label: 'scoped' });
        scope.purge();
      });
      abandon(() => {
        const moved = EphemeralHandle.hold(new Uint8Array(32), { kind: 'video', label: 'moved' }).move();
        moved.purge();
      });
      // A control leak proves collection and finalization really happened in this window.
      abandon(() => EphemeralHandle.hold(new Uint8Array(32), { kind: 'buffer', label: 'control' }));
      await collectUntil(() => reports.length >= 1);
      expect(reports.map((r) => r.label)).toEqual(['control']);
    } finally {
      leakDetector.setReporter(previous);
    }
  });

  it('warns on the console by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    abandon(() => EphemeralHandle.hold(new Uint8Array(8), { kind: 'frame', label: 'default.reporter' }));
    await collectUntil(() => warn.mock.calls.length > 0);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/frame handle 'default.reporter'.*without being purged/);
  });
});
