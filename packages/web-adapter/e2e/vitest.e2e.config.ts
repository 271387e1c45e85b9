import path from 'node:path';
import { defineConfig } from 'vitest/config';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

// The test process takes the SDK from `src`, as the example's build does for the page: a test
// that compares the browser's frames with Node's then runs the same core code on both sides, not
// `src` in the page against a `dist/` built before the last change.
const sourceConditions = ['@vopop/source', 'module', 'node', 'development|production'];

// The browser suite: builds examples/web once (globalSetup), then drives it in headless
// Chromium. One file at a time: each test owns a browser, and the machine has two cores.
export default defineConfig({
  root: repoRoot,
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['packages/web-adapter/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['packages/web-adapter/e2e/buildExample.ts'],
    setupFiles: ['./vitest.setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
