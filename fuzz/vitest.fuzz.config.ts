import path from 'node:path';
import { defineConfig } from 'vitest/config';

const repoRoot = path.resolve(import.meta.dirname, '..');
const sourceConditions = ['@vopop/source', 'module', 'node', 'development|production'];

// `pnpm test:fuzz`: the robustness sweep (issue 11). Each file runs its work in child processes
// and enforces its own per-input time limit, so a crash or a hang is reported with the seed and
// input that caused it. One file at a time: the machine has two cores. No console guard here:
// the runs print their seed and counts on purpose.
export default defineConfig({
  root: repoRoot,
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['fuzz/**/*.fuzz.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 300_000,
  },
});
