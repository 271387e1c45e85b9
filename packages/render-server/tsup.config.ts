import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

export default defineConfig([
  packageBuild({ platform: 'node' }),
  // The server's start script: ESM only, no types.
  packageBuild({ entry: { main: 'src/main.ts' }, format: ['esm'], dts: false, clean: false, platform: 'node' }),
]);
