/**
 * A wiper registry for P1 tests: its typed-array wiper records every buffer it is asked about
 * (each once), so that after a purge the test can check that every one of them reads as zero.
 * `wipe` replaces the real wipe, for the no-op mutant that shows the check can fail.
 */
import { typedArrayWiper } from '../purge/bufferWipers';
import { WiperRegistry } from '../purge/wiperRegistry';

export function recordingWipers(wipe: typeof typedArrayWiper.wipe = typedArrayWiper.wipe): {
  readonly wipers: WiperRegistry;
  readonly held: ArrayBufferView[];
} {
  const held: ArrayBufferView[] = [];
  const wipers = new WiperRegistry();
  wipers.register({
    ...typedArrayWiper,
    name: 'recording',
    matches: (value: unknown): value is Uint8Array => {
      const ok = typedArrayWiper.matches(value);
      if (ok && !held.includes(value)) held.push(value);
      return ok;
    },
    wipe,
  });
  return { wipers, held };
}
