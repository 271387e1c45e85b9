import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

export default defineConfig([
  packageBuild({ platform: 'browser' }),
  // `./vite` runs in the bundler, on Node: its own entry, so that browser bundles never see `node:*`.
  packageBuild({ entry: ['src/vite.ts'], platform: 'node', clean: false, shims: true, external: ['vite'] }),
]);
