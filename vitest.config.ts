import { defineConfig } from 'vitest/config';

// Tests run on `src` through the workspace's source condition, without a build. The one
// exception is the built-bundle test, which runs the real `dist/` output in child processes.
const sourceConditions = ['@vopop/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['packages/*/src/**/__tests__/**/*.test.ts', 'quality/**/__tests__/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['./vitest.setup.ts'],
    // The leak-detector test forces garbage collection.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    typecheck: {
      include: ['packages/*/src/**/__tests__/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
