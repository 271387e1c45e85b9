/**
 * Which Node decoder: `WasmImageDecoder` (TypeScript PNG, mozjpeg/libwebp in a fresh wasm
 * instance per photo, everything wiped: no residue, privacy invariant P3) against
 * `NodeImageDecoder` (sharp/libvips, leaves freed native copies), interleaved in one run on the
 * face fixtures, a lossy WebP and a phone-sized 12 MP JPEG. Both include the scope's hold and
 * purge, so the ratio is what switching the Node platform's default decoder would cost.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EphemeralScope } from '@vopop/core';
import type { ImageDecoder } from '@vopop/core';
import { NodeImageDecoder } from '../packages/node-adapter/src/decode/nodeImageDecoder';
import {
  WasmImageDecoder,
  loadNodePhotoCodecModules,
} from '../packages/node-adapter/src/decode/wasmImageDecoder';
import { type BenchSection, type BenchSuite, compareInterleaved, ms, ratio, table } from './harness';
import { facesDir as faces } from '../fixtures/faces/facesDir';

const here = dirname(fileURLToPath(import.meta.url));
const adapterRequire = createRequire(resolve(here, '..', 'packages', 'node-adapter', 'package.json'));

interface SharpPipeline {
  resize(width: number, height: number): SharpPipeline;
  jpeg(options: { quality: number }): SharpPipeline;
  webp(options: { quality: number }): SharpPipeline;
  toBuffer(): Promise<Buffer>;
}
const sharp = adapterRequire('sharp') as (input: Uint8Array) => SharpPipeline;

async function decodeAndPurge(decoder: ImageDecoder, bytes: Uint8Array): Promise<void> {
  const scope = new EphemeralScope({ label: 'bench' });
  await decoder.decode(bytes, scope);
  scope.purge();
}

const suite: BenchSuite = async () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(join(faces, name)));
  const portrait = fixture('portrait.jpg');
  const inputs = [
    { name: 'portrait_small.jpg (192×256)', bytes: fixture('portrait_small.jpg'), runs: 15 },
    { name: 'portrait.jpg (820×1024)', bytes: portrait, runs: 15 },
    { name: 'three_people.jpg (1049×861)', bytes: fixture('three_people.jpg'), runs: 15 },
    { name: 'astronaut.png (512×512)', bytes: fixture('astronaut.png'), runs: 15 },
    {
      name: 'portrait.webp (820×1024, q80)',
      bytes: new Uint8Array(await sharp(portrait).webp({ quality: 80 }).toBuffer()),
      runs: 15,
    },
    {
      name: '12 MP JPEG (3000×4000, q90)',
      bytes: new Uint8Array(await sharp(portrait).resize(3000, 4000).jpeg({ quality: 90 }).toBuffer()),
      runs: 5,
    },
  ];

  // Compiling the two decoders happens once per process; measure it on its own.
  const compileStart = performance.now();
  await loadNodePhotoCodecModules();
  const compileMs = performance.now() - compileStart;

  const wasm = new WasmImageDecoder();
  const native = new NodeImageDecoder();
  const rows: string[][] = [];
  for (const input of inputs) {
    const result = await compareInterleaved(
      {
        sharp: () => decodeAndPurge(native, input.bytes),
        wasm: () => decodeAndPurge(wasm, input.bytes),
      },
      { warmup: 2, runs: input.runs },
    );
    rows.push([
      input.name,
      ms(result.sharp.median),
      ms(result.wasm.median),
      ratio(result.wasm.median, result.sharp.median),
    ]);
  }

  const sections: BenchSection[] = [
    {
      title: 'Decoding: wasm (no residue) vs sharp',
      markdown: [
        'Median ms per decode, hold and purge, both decoders interleaved in one run. ' +
          '`WasmImageDecoder` instantiates a fresh mozjpeg/libwebp instance per photo and ' +
          'zero-fills its whole memory afterwards; PNG is decoded in TypeScript.',
        '',
        table(['image', 'sharp ms', 'wasm ms', 'wasm / sharp'], rows),
        '',
        `One-off compile of both wasm decoders in this process: ${ms(compileMs)} ms.`,
      ].join('\n'),
    },
  ];
  return sections;
};

export default suite;
