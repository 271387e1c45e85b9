/**
 * `pnpm quality [--quick] [--renderer NAME]`: measures rendering quality (placement, expression
 * following, identity, seam, flicker) on decoded-back videos, the renderer under test beside the
 * v1 compositor in the same run, and writes docs/quality.md and docs/quality/*.png.
 *
 * `--quick`: one fixture, one template cut to a few frames (what the end-to-end test runs);
 * `--template FILE` (repeatable): also measure a template file, e.g. a recorded template made by
 * `vopop template build` (its own face gives the placement floor and the actor's identity); the
 * recorded templates the project ships (examples/templates/NAME/template.json) are measured
 * without asking, except in `--quick` runs;
 * `--out DIR`: write there instead of docs/.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInTemplates, loadTemplateFile } from '@vopop/node-adapter';
import { qualityRenderers, rendererUnderTest } from './qualityRenderers';
import { runQuality } from './runQuality';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const quick = args.includes('--quick');
const valueOf = (flag: string): string | undefined => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const selected = rendererUnderTest(valueOf('--renderer'));
const renderers = selected === qualityRenderers.v1 ? [selected] : [selected, qualityRenderers.v1];
const outDir = resolve(valueOf('--out') ?? join(repoRoot, 'docs'));

const shippedDir = join(repoRoot, 'examples', 'templates');
const shipped = quick || !existsSync(shippedDir)
  ? []
  : readdirSync(shippedDir)
      .map((name) => join(shippedDir, name, 'template.json'))
      .filter((file) => existsSync(file));
const templateFiles = [...shipped, ...args.flatMap((arg, i) => (arg === '--template' && args[i + 1] ? [args[i + 1]!] : []))];
const loaded = await Promise.all(templateFiles.map((file) => loadTemplateFile(resolve(file))));

const started = performance.now();
await runQuality({
  fixtures: quick ? ['astronaut.png'] : ['astronaut.png', 'portrait.jpg', 'three_people.jpg', 'portrait_small.jpg'],
  // Recorded templates first: their rows carry the floor and the actor, the figures that matter most.
  templates: [...loaded, ...(quick ? builtInTemplates.slice(0, 1) : builtInTemplates)],
  renderers,
  ...(quick ? { frameCount: 6, stride: 1, detailCount: 2 } : { stride: 3, detailCount: 4 }),
  outDir,
  // The output folder is left out: it says where this copy went, not what was measured.
  command: ['pnpm quality', ...args.filter((arg, i) => arg !== '--out' && args[i - 1] !== '--out')].join(' '),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(`quality: wrote ${join(outDir, 'quality.md')} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
