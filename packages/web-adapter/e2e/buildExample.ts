import path from 'node:path';
import { build } from 'vite';

/** examples/web, built once for the whole browser suite. */
export const exampleRoot = path.resolve(import.meta.dirname, '..', '..', '..', 'examples', 'web');

/** Vitest global setup: a production build of the example, as users would deploy it. */
export default async function buildExample(): Promise<void> {
  await build({
    root: exampleRoot,
    configFile: path.join(exampleRoot, 'vite.config.ts'),
    logLevel: 'silent',
  });
}
