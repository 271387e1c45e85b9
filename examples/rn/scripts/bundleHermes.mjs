// pnpm --filter @vopop/example-rn bundle:hermes
// Metro bundles the app for Android and iOS (production, minified), then hermesc from the
// hermes-compiler package compiles each bundle to Hermes bytecode: dist/index.<platform>.hbc.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const Metro = require('metro');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

// The models, from the pinned @mediapipe packages, checked by SHA-256.
execFileSync(process.execPath, [require.resolve('@vopop/rn-adapter/package.json').replace('package.json', 'scripts/extractTfliteModels.mjs'), join(root, 'assets/models')], { stdio: 'inherit' });

const hermesc = join(dirname(require.resolve('hermes-compiler/package.json')), 'hermesc', `${process.platform === 'darwin' ? 'osx' : 'linux64'}-bin`, 'hermesc');
const config = await Metro.loadConfig({ config: join(root, 'metro.config.js'), cwd: root });
for (const platform of ['android', 'ios']) {
  const out = join(dist, `index.${platform}.js`);
  const started = Date.now();
  await Metro.runBuild(config, { entry: join(root, 'index.js'), platform, dev: false, minify: true, out });
  execFileSync(hermesc, ['-emit-binary', '-O', '-w', '-out', join(dist, `index.${platform}.hbc`), out], { stdio: 'inherit' });
  console.log(`${platform}: bundled and compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
