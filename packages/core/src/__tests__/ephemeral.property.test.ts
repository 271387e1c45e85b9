/**
 * P1 and P2 under random programs: handles created, used, moved and thrown through nested scopes
 * that are disposed by `using`, `await using`, explicit purge or an AbortSignal. Whatever the
 * program does, every handle ends purged and every wiped buffer re-reads as zeros.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EphemeralHandle} from '@vopop/core';
import { EphemeralScope, PurgedError, PurgeFailedError, type Wiper } from '@vopop/core';

type Op =
  | { readonly t: 'hold'; readonly size: number; readonly failing: boolean }
  | { readonly t: 'use'; readonly pick: number }
  | { readonly t: 'throw' }
  | { readonly t: 'abort' }
  | { readonly t: 'move'; readonly pick: number }
  | { readonly t: 'purgeHandle'; readonly pick: number }
  | { readonly t: 'child'; readonly exit: Exit; readonly ops: readonly Op[] };

type Exit = 'using' | 'await-using' | 'finally-purge' | 'abort';

const exitArb = fc.constantFrom<Exit>('using', 'await-using', 'finally-purge', 'abort');

const { program } = fc.letrec<{ program: readonly Op[]; op: Op }>((tie) => ({
  program: fc.array(tie('op'), { maxLength: 8 }),
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ t: fc.constant('hold' as const), size: fc.integer({ min: 0, max: 96 }), failing: fc.integer({ min: 0, max: 9 }).map((n) => n === 0) }),
    fc.record({ t: fc.constant('use' as const), pick: fc.nat() }),
    fc.record({ t: fc.constant('throw' as const) }),
    fc.record({ t: fc.constant('abort' as const) }),
    fc.record({ t: fc.constant('move' as const), pick: fc.nat() }),
    fc.record({ t: fc.constant('purgeHandle' as const), pick: fc.nat() }),
    fc.record({ t: fc.constant('child' as const), exit: exitArb, ops: tie('program') as fc.Arbitrary<readonly Op[]> }),
  ),
}));

/** A wiper that cannot destroy what it holds, to prove one failure does not stop the rest. */
const failingWiper: Wiper<Uint8Array> = {
  name: 'failing',
  matches: (v): v is Uint8Array => v instanceof Uint8Array,
  measure: (v) => v.byteLength,
  wipe: () => {
    throw new Error('wipe refused');
  },
};

interface Tracked {
  readonly bytes: Uint8Array;
  readonly failing: boolean;
  handle: EphemeralHandle<Uint8Array>;
}

class Planned extends Error {}

interface World {
  readonly tracked: Tracked[];
  /** Receives moved handles; purged last, like an app disposing its result. */
  readonly outside: EphemeralScope;
  serial: number;
}

function planted(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => ((i + seed) % 255) + 1);
}

async function runOps(scope: EphemeralScope, controller: AbortController, ops: readonly Op[], world: World): Promise<void> {
  for (const op of ops) {
    switch (op.t) {
      case 'hold': {
        const bytes = planted(op.size, world.serial++);
        const entry = { bytes, failing: op.failing } as Tracked;
        try {
          entry.handle = scope.hold(bytes, {
            kind: 'buffer',
            label: `h${world.serial}`,
            ...(op.failing ? { wiper: failingWiper } : {}),
          });
        } catch (error) {
          // A closed scope wipes what it is handed and refuses it.
          expect(error).toBeInstanceOf(PurgedError);
          if (!op.failing) expect(bytes.every((b) => b === 0)).toBe(true);
          throw error;
        }
        world.tracked.push(entry);
        break;
      }
      case 'use': {
        const entry = world.tracked[op.pick % Math.max(1, world.tracked.length)];
        if (!entry) break;
        if (entry.handle.isLive) expect(entry.handle.value).toBe(entry.bytes);
        else expect(() => entry.handle.value).toThrow(PurgedError);
        break;
      }
      case 'throw':
        throw new Planned('planned failure');
      case 'abort':
        controller.abort(new Planned('planned abort'));
        break;
      case 'move': {
        const entry = world.tracked[op.pick % Math.max(1, world.tracked.length)];
        if (!entry?.handle.isLive) break;
        const old = entry.handle;
        entry.handle = old.move(world.outside);
        expect(() => old.value).toThrow(PurgedError);
        break;
      }
      case 'purgeHandle': {
        const entry = world.tracked[op.pick % Math.max(1, world.tracked.length)];
        if (!entry) break;
        try {
          entry.handle.purge();
        } catch (error) {
          expect(error).toBeInstanceOf(PurgeFailedError);
        }
        break;
      }
      case 'child':
        await runChild(scope, op, world);
        break;
    }
  }
}

async function runChild(parent: EphemeralScope, op: Extract<Op, { t: 'child' }>, world: World): Promise<void> {
  const controller = new AbortController();
  const label = `c${world.serial++}`;
  switch (op.exit) {
    case 'using': {
      using child = parent.child(label, { signal: controller.signal });
      await runOps(child, controller, op.ops, world);
      break;
    }
    case 'await-using': {
      await using child = parent.child(label, { signal: controller.signal });
      await runOps(child, controller, op.ops, world);
      break;
    }
    case 'finally-purge': {
      const child = parent.child(label, { signal: controller.signal });
      try {
        await runOps(child, controller, op.ops, world);
      } finally {
        child.purge();
      }
      break;
    }
    case 'abort': {
      const child = parent.child(label, { signal: controller.signal });
      try {
        await runOps(child, controller, op.ops, world);
      } finally {
        controller.abort(new Planned('leaving'));
        expect(child.isOpen).toBe(false);
      }
      break;
    }
  }
}

describe('ephemeral scopes under random programs (P1, P2)', () => {
  it('purge every handle and leave only zeros, whatever the program does', async () => {
    await fc.assert(
      fc.asyncProperty(program, exitArb, async (ops, rootExit) => {
        const world: World = { tracked: [], outside: new EphemeralScope({ label: 'app' }), serial: 0 };
        const root = { op: { t: 'child', exit: rootExit, ops } as const };
        const top = new EphemeralScope({ label: 'generation' });
        const outcome = await runChild(top, root.op, world).then(
          () => undefined,
          (error: unknown) => error,
        );
        try {
          top.purge();
        } catch (error) {
          expect(error).toBeInstanceOf(PurgeFailedError);
        }
        try {
          world.outside.purge();
        } catch (error) {
          expect(error).toBeInstanceOf(PurgeFailedError);
        }

        // Anything that escaped is one of ours: a planned failure, a refused hold or a purge failure.
        if (outcome !== undefined) {
          const ok =
            outcome instanceof Planned ||
            outcome instanceof PurgedError ||
            outcome instanceof PurgeFailedError ||
            (outcome instanceof Error && outcome.name === 'SuppressedError');
          expect(ok, String(outcome)).toBe(true);
        }
        expect(top.liveHandles).toBe(0);
        expect(world.outside.liveHandles).toBe(0);
        for (const entry of world.tracked) {
          expect(entry.handle.isLive).toBe(false);
          expect(() => entry.handle.value).toThrow(PurgedError);
          const record = entry.handle.record;
          expect(record).toBeDefined();
          if (entry.failing) {
            expect(record?.outcome).toBe('failed');
          } else {
            expect(record?.outcome).toBe('wiped');
            expect(record?.verified).toBe(true);
            expect(entry.bytes.every((b) => b === 0)).toBe(true);
          }
        }
        // The receipts account for every handle exactly once (moves count in both owners).
        const wipedOrFailed = [top.receipt!, world.outside.receipt!]
          .flatMap((r) => r.records)
          .filter((r) => r.outcome !== 'moved').length;
        expect(wipedOrFailed).toBe(world.tracked.length);
      }),
      { numRuns: 1000 },
    );
  });
});
