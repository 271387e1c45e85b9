import { describe, expect, it } from 'vitest';
import {
  EphemeralScope,
  PurgedError,
  PurgeFailedError,
  WiperRegistry,
  type Wiper,
} from '@vopop/core';

const planted = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i % 251) + 1);
const zero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

describe('EphemeralScope', () => {
  it('wipes every handle in reverse order of creation and returns a receipt', () => {
    const scope = new EphemeralScope({ label: 'generation' });
    const buffers = [planted(10), planted(20), planted(30)];
    buffers.forEach((b, i) => scope.hold(b, { kind: 'pixels', label: `h${i}` }));
    expect(scope.liveHandles).toBe(3);

    const receipt = scope.purge();
    expect(buffers.every(zero)).toBe(true);
    expect(receipt.records.map((r) => r.label)).toEqual(['h2', 'h1', 'h0']);
    expect(receipt.totals).toEqual({ handles: 3, bytes: 60, wiped: 3, moved: 0, failed: 0, verified: 3 });
    expect(scope.liveHandles).toBe(0);
    expect(scope.purge()).toBe(receipt);
  });

  it('purges on leaving a using block even when the block throws', () => {
    const bytes = planted(16);
    let scopeRef: EphemeralScope | undefined;
    expect(() => {
      using scope = new EphemeralScope();
      scopeRef = scope;
      scope.hold(bytes, { kind: 'photo-bytes', label: 'photo' });
      throw new Error('decode failed');
    }).toThrow('decode failed');
    expect(zero(bytes)).toBe(true);
    expect(scopeRef?.receipt?.totals.wiped).toBe(1);
  });

  it('keeps wiping after a wiper throws, then reports every failure at once', () => {
    const failing = (name: string): Wiper<Uint8Array> => ({
      name,
      matches: (v): v is Uint8Array => v instanceof Uint8Array,
      measure: (v) => v.byteLength,
      wipe: () => {
        throw new Error(name);
      },
    });
    const scope = new EphemeralScope();
    const good = [planted(4), planted(4)];
    scope.hold(good[0]!, { kind: 'buffer', label: 'good0' });
    scope.hold(planted(4), { kind: 'buffer', label: 'bad0', wiper: failing('w0') });
    scope.hold(good[1]!, { kind: 'buffer', label: 'good1' });
    scope.hold(planted(4), { kind: 'buffer', label: 'bad1', wiper: failing('w1') });

    let caught: unknown;
    try {
      scope.purge();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PurgeFailedError);
    const failure = caught as PurgeFailedError;
    expect(failure.errors.map((e) => (e as Error).message)).toEqual(['w1', 'w0']);
    expect(failure.receipt.totals).toMatchObject({ handles: 4, wiped: 2, failed: 2 });
    expect(good.every(zero)).toBe(true);
    expect(scope.liveHandles).toBe(0);
  });

  it('is purged by its AbortSignal, and refuses new data afterwards (wiping it)', () => {
    const controller = new AbortController();
    const scope = new EphemeralScope({ signal: controller.signal });
    const before = planted(8);
    scope.hold(before, { kind: 'pixels', label: 'p' });
    controller.abort(new Error('user cancelled'));
    expect(zero(before)).toBe(true);
    expect(scope.isOpen).toBe(false);

    const late = planted(8);
    expect(() => scope.hold(late, { kind: 'pixels', label: 'late' })).toThrow(PurgedError);
    expect(zero(late)).toBe(true);
  });

  it('purges at once when opened with an already aborted signal', () => {
    const scope = new EphemeralScope({ signal: AbortSignal.abort() });
    expect(scope.receipt?.totals.handles).toBe(0);
    expect(() => scope.throwIfClosed()).toThrow(/aborted/);
  });

  it('nests: a parent purges its children in turn, and records carry the scope path', () => {
    const parent = new EphemeralScope({ label: 'generation' });
    const photo = planted(8);
    parent.hold(photo, { kind: 'photo-bytes', label: 'photo' });
    const render = parent.child('render');
    const frame = planted(8);
    render.hold(frame, { kind: 'frame', label: 'frame' });
    const grandchild = render.child('encode');
    const packet = planted(8);
    grandchild.hold(packet, { kind: 'video', label: 'packet' });
    parent.hold(planted(8), { kind: 'landmarks', label: 'late' });

    const receipt = parent.purge();
    expect([photo, frame, packet].every(zero)).toBe(true);
    expect(receipt.records.map((r) => `${r.scope}:${r.label}`)).toEqual([
      'generation:late',
      'generation/render/encode:packet',
      'generation/render:frame',
      'generation:photo',
    ]);
    expect(render.isOpen).toBe(false);
  });

  it('includes an already purged child in the parent receipt once', () => {
    const parent = new EphemeralScope({ label: 'p' });
    const child = parent.child('c');
    child.hold(planted(4), { kind: 'buffer', label: 'x' });
    child.purge();
    expect(parent.purge().records.map((r) => r.label)).toEqual(['x']);
  });

  it('moves the result out: the receipt says moved, and the caller owns the bytes', () => {
    const video = planted(64);
    let result;
    {
      using scope = new EphemeralScope({ label: 'generation' });
      const inner = scope.hold(video, { kind: 'video', label: 'video' });
      scope.hold(planted(8), { kind: 'pixels', label: 'pixels' });
      result = inner.move();
      scope.purge();
      expect(scope.receipt?.totals).toMatchObject({ wiped: 1, moved: 1 });
    }
    expect(video[0]).not.toBe(0);
    expect(result.value).toBe(video);
    result.purge();
    expect(zero(video)).toBe(true);
  });

  it('adopts a handle from another scope, which no longer purges it', () => {
    const a = new EphemeralScope({ label: 'a' });
    const b = new EphemeralScope({ label: 'b' });
    const bytes = planted(8);
    const adopted = b.adopt(a.hold(bytes, { kind: 'buffer', label: 'x' }));
    expect(a.purge().records[0]?.outcome).toBe('moved');
    expect(adopted.value).toBe(bytes);
    expect(b.purge().records[0]?.outcome).toBe('wiped');
    expect(zero(bytes)).toBe(true);
  });

  it('looks wipers up in its own registry', () => {
    const registry = new WiperRegistry();
    const secret = { bytes: planted(4) };
    expect(() => new EphemeralScope().hold(secret, { kind: 'buffer', label: 's' })).toThrow(/No wiper/);
    registry.register<typeof secret>({
      name: 'secret',
      matches: (v): v is typeof secret => typeof v === 'object' && v !== null && 'bytes' in v,
      measure: (v) => v.bytes.byteLength,
      wipe: (v) => ({ method: 'zero-fill', bytes: v.bytes.fill(0).byteLength, verified: true }),
    });
    const scope = new EphemeralScope({ wipers: registry });
    scope.hold(secret, { kind: 'buffer', label: 's' });
    scope.purge();
    expect(zero(secret.bytes)).toBe(true);
  });

  it('writes a JSON-serialisable receipt that holds no personal data', () => {
    let now = 0;
    const scope = new EphemeralScope({ label: 'generation', clock: { now: () => now } });
    const marker = Uint8Array.from([0x56, 0x4f, 0x50, 0x4f, 0x50]); // "VOPOP"
    scope.hold(marker, { kind: 'photo-bytes', label: 'photo' });
    now = 5;
    const json = JSON.stringify(scope.purge());
    expect(json).not.toContain('86,79,80');
    expect(json).not.toContain('VOPOP');
    expect(JSON.parse(json)).toMatchObject({
      version: 1,
      scope: 'generation',
      records: [{ kind: 'photo-bytes', label: 'photo', bytes: 5, lifetimeMs: 5, verified: true }],
    });
  });
});
