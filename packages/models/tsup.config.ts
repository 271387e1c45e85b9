import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

export default defineConfig(
  // `node` is a separate entry so that browser and React Native bundles never see `node:*`.
  packageBuild({ entry: ['src/index.ts', 'src/node.ts'], shims: true }),
);
