/**
 * What wiping costs. The baseline for a purge is the cheapest thing that could be called
 * wiping: a bare `fill(0)` of the same buffer, with no verification and no receipt.
 */
import { EphemeralHandle, EphemeralScope } from '@vopop/core';
import { type BenchSection, type BenchSuite, compareInterleaved, ms, ratio, table } from './harness';

const photoBytes = 4000 * 3000 * 4; // a decoded 12-megapixel photo, RGBA

function planted(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 4096) bytes[i] = 0xa5;
  return bytes;
}

const suite: BenchSuite = async () => {
  // Both cases wipe the same pre-faulted buffer, re-dirtied before each timed call so that the
  // verification pass really reads memory that was written.
  const buffer = planted(photoBytes);
  const dirty = () => {
    for (let i = 0; i < photoBytes; i += 4096) buffer[i] = 0xa5;
  };
  const big = await compareInterleaved(
    {
      purge: () => {
        dirty();
        EphemeralHandle.hold(buffer, { kind: 'pixels', label: 'photo.pixels' }).purge();
      },
      fill: () => {
        dirty();
        buffer.fill(0);
      },
    },
    { warmup: 3, runs: 21 },
  );

  // A generation holds a few dozen handles; measure the per-handle bookkeeping too.
  const small = Array.from({ length: 1000 }, () => planted(1024));
  const many = await compareInterleaved(
    {
      scope: () => {
        const scope = new EphemeralScope({ label: 'bench' });
        for (const bytes of small) scope.hold(bytes, { kind: 'buffer', label: 'b' });
        scope.purge();
      },
      fill: () => {
        for (const bytes of small) bytes.fill(0);
      },
    },
    { warmup: 3, runs: 21 },
  );

  const sections: BenchSection[] = [
    {
      title: 'Purge',
      markdown: `
${table(
  ['case', 'median ms', 'min ms', 'baseline median ms', 'ratio (median)'],
  [
    [
      'purge a handle holding 48 MB (12 MP RGBA) vs bare `fill(0)`',
      ms(big.purge.median),
      ms(big.purge.min),
      ms(big.fill.median),
      ratio(big.purge.median, big.fill.median),
    ],
    [
      'scope: hold + purge 1,000 × 1 KiB handles vs `fill(0)` of each',
      ms(many.scope.median),
      ms(many.scope.min),
      ms(many.fill.median),
      ratio(many.scope.median, many.fill.median),
    ],
  ],
)}

A purge is a zero-fill followed by a full read-back that proves the zeros (the receipt's
\`verified: true\`), so about twice a bare \`fill(0)\` is the floor for verified wiping; the rest is
the receipt. Per handle, the scope's bookkeeping (record, leak-detector registration, label check)
is what the second row measures.`,
    },
  ];
  return sections;
};

export default suite;
