import { describe, expectTypeOf, it } from 'vitest';
import type {
  EphemeralHandle} from '@vopop/core';
import {
  EphemeralScope,
  type FaceLandmarks,
  type PurgeReceipt,
  type PurgeRecord,
  type VopopErrorCode,
  PurgedError,
} from '@vopop/core';

describe('types', () => {
  it('flow the value type through a handle', () => {
    const scope = new EphemeralScope();
    const pixels = scope.hold(new Uint8Array(4), { kind: 'pixels', label: 'p' });
    expectTypeOf(pixels).toEqualTypeOf<EphemeralHandle<Uint8Array<ArrayBuffer>>>();
    expectTypeOf(pixels.value).toEqualTypeOf<Uint8Array<ArrayBuffer>>();
    expectTypeOf(pixels.use((v) => v.length)).toEqualTypeOf<number>();
    expectTypeOf(pixels.move()).toEqualTypeOf<EphemeralHandle<Uint8Array<ArrayBuffer>>>();
    expectTypeOf(scope.adopt(pixels)).toEqualTypeOf<EphemeralHandle<Uint8Array<ArrayBuffer>>>();

    const landmarks = {} as FaceLandmarks;
    expectTypeOf(scope.hold(landmarks, { kind: 'landmarks', label: 'l' }).value.points).toEqualTypeOf<Float32Array>();
  });

  it('accept only known kinds and wipers of the right type', () => {
    const scope = new EphemeralScope();
    // @ts-expect-error 'selfie' is not a HandleKind
    scope.hold(new Uint8Array(1), { kind: 'selfie', label: 'x' });
    scope.hold(new Uint8Array(1), {
      kind: 'buffer',
      label: 'x',
      // @ts-expect-error a wiper for strings cannot wipe a Uint8Array
      wiper: { name: 's', matches: (v: unknown): v is string => typeof v === 'string', measure: (v: string) => v.length, wipe: () => ({ method: 'm', bytes: 0, verified: null }) },
    });
  });

  it('work in using and await using', async () => {
    {
      using scope = new EphemeralScope();
      using handle = scope.hold(new Float32Array(1), { kind: 'landmarks', label: 'l' });
      expectTypeOf(handle.value).toEqualTypeOf<Float32Array<ArrayBuffer>>();
    }
    {
      await using scope = new EphemeralScope();
      await using handle = scope.hold(new Uint8Array(1), { kind: 'buffer', label: 'b' });
      expectTypeOf(handle).toMatchTypeOf<AsyncDisposable & Disposable>();
    }
  });

  it('type receipts and error codes as literals', () => {
    expectTypeOf<PurgeReceipt['version']>().toEqualTypeOf<1>();
    expectTypeOf<PurgeRecord['outcome']>().toEqualTypeOf<'wiped' | 'moved' | 'failed'>();
    expectTypeOf(new PurgedError().code).toEqualTypeOf<'PURGED'>();
    expectTypeOf<'PURGED'>().toMatchTypeOf<VopopErrorCode>();
  });
});
