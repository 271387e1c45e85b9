import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

export default defineConfig([
  packageBuild({ platform: 'node' }),
  // The `vopop` command: ESM only, no types, keeps its shebang.
  packageBuild({ entry: { cli: 'src/cli/bin.ts' }, format: ['esm'], dts: false, clean: false, platform: 'node' }),
]);
