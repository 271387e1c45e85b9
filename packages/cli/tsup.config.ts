import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

export default defineConfig([
  // The exit codes, for scripts that start `vopop` from JavaScript.
  packageBuild({ platform: 'node' }),
  // The `vopop` command: ESM only, no types, keeps its shebang.
  packageBuild({ entry: { cli: 'src/bin.ts' }, format: ['esm'], dts: false, clean: false, platform: 'node' }),
]);
