/**
 * Child of wasmDecodeMemory.test.ts: decodes a JPEG twice with the residue-free decoder, then
 * reports which of the two sandbox memories are still reachable after garbage collection.
 *
 * Mode `glue-stand-in` is the mutant: it refuses the decoder's own `ImageData` stand-in, so the
 * Emscripten glue defines its class inside the first runtime, as it did before the fix.
 */
import { readFileSync } from 'node:fs';
import { EphemeralScope } from '@vopop/core';
import { WasmImageDecoder } from '../../decode/wasmImageDecoder';

const [mode, file] = process.argv.slice(2);
if (mode === 'glue-stand-in') {
  let stored: unknown;
  Object.defineProperty(globalThis, 'ImageData', {
    configurable: true,
    get: () => stored,
    set: (value: { name?: string }) => {
      if (value?.name !== 'DecodedImage') stored = value;
    },
  });
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const memories: WeakRef<WebAssembly.Memory>[] = [];
const decoder = new WasmImageDecoder({ onSandboxRelease: ({ memory }) => memories.push(new WeakRef(memory)) });
const bytes = readFileSync(file!);
for (let i = 0; i < 2; i++) {
  const scope = new EphemeralScope({ label: 'decode' });
  await decoder.decode(bytes, scope);
  scope.purge();
}
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
}
process.stdout.write(JSON.stringify({ reachable: memories.map((memory) => memory.deref() !== undefined) }));
