// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const coreBoundary = {
  // Core is platform-free: it talks to platforms only through ports that adapters implement.
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['@vopop/*-adapter', '@vopop/node-adapter', '@vopop/web-adapter', '@vopop/rn-adapter'], message: 'Core never imports an adapter.' },
        { group: ['node:*'], message: 'Core is platform-free; put Node code in @vopop/node-adapter.' },
        { group: ['@tensorflow/tfjs-backend-*', 'sharp', '@napi-rs/*'], message: 'Backends and native modules are chosen by adapters.' },
      ],
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "UnaryExpression[operator='typeof'] > Identifier[name=/^(window|document|process|navigator|global)$/]",
      message: 'Core never detects the platform; inject the behaviour through a port.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'docs/api/**', 'packages/models/files/**', '**/*.d.ts', 'test-output/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `typeof import('…')` is how vi.mock's importOriginal is typed.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/__tests__/**'],
    rules: coreBoundary,
  },
  {
    // Tests, scripts, benchmarks, the quality harness and CLIs may print.
    files: ['**/__tests__/**', '**/scripts/**', 'bench/**', 'quality/**', 'scripts/**', '**/cli/**', 'examples/**', '*.config.*'],
    rules: { 'no-console': 'off' },
  },
  {
    // Fuzz and malformed-input tests build deliberately ill-typed values.
    files: ['**/__tests__/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
