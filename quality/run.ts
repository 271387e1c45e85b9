/**
 * `pnpm quality [--quick] [--renderer NAME]`: measures rendering quality (placement, expression
 * following, identity, seam, flicker) on decoded-back videos, the renderer under test beside the
 * v1 compositor in the same run, and writes docs/quality.md and docs/quality/*.png.
 *
 * `--quick`: one fixture, one template cut to a few frames (what the end-to-end test runs);
 * `--template FILE` (repeatable): also measure a template file, e.g. a recorded template made by
 * `vopop template build` (its own face gives the placement floor and the actor's identity);
 * `--out DIR`: write there instead of docs/.
 */
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

const templateFiles = args.flatMap((arg, i) => (arg === '--template' && args[i + 1] ? [args[i + 1]!] : []));
const loaded = await Promise.all(templateFiles.map((file) => loadTemplateFile(resolve(file))));

const started = performance.now();
await runQuality({
  fixtures: quick ? ['astronaut.png'] : ['astronaut.png', 'portrait.jpg', 'three_people.jpg', 'portrait_small.jpg'],
  templates: [...(quick ? builtInTemplates.slice(0, 1) : builtInTemplates), ...loaded],
  renderers,
  ...(quick ? { frameCount: 6, stride: 1, detailCount: 2 } : { stride: 3, detailCount: 4 }),
  outDir,
  // The output folder is left out: it says where this copy went, not what was measured.
  command: ['pnpm quality', ...args.filter((arg, i) => arg !== '--out' && args[i - 1] !== '--out')].join(' '),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(`quality: wrote ${join(outDir, 'quality.md')} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
