import path from 'node:path';
import { defineConfig } from 'vitest/config';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

// The browser suite: builds examples/web once (globalSetup), then drives it in headless
// Chromium. One file at a time: each test owns a browser, and the machine has two cores.
export default defineConfig({
  root: repoRoot,
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
