import { meshQualityRenderer } from './meshQualityRenderer';
import type { QualityRenderer } from './qualityRenderer';
import { v1QualityRenderer } from './v1QualityRenderer';

/** Every renderer the harness can measure, by the name `--renderer` takes. */
export const qualityRenderers = {
  v1: v1QualityRenderer,
  'mesh-draft': meshQualityRenderer('draft'),
  'mesh-standard': meshQualityRenderer('standard'),
  'mesh-high': meshQualityRenderer('high'),
} as const satisfies Record<string, QualityRenderer>;

/** Names `--renderer` accepts. */
type QualityRendererName = keyof typeof qualityRenderers;

/** The renderer measured when none is named: the newest one, at its default quality. */
const defaultRenderer: QualityRendererName = 'mesh-standard';

/**
 * The renderer named on the command line, or the default.
 *
 * @throws Error for a name the harness does not know.
 */
export function rendererUnderTest(name: string | undefined): QualityRenderer {
  const key = (name ?? defaultRenderer) as QualityRendererName;
  const renderer = qualityRenderers[key];
  if (!renderer) throw new Error(`Unknown renderer '${name}'; known: ${Object.keys(qualityRenderers).join(', ')}.`);
  return renderer;
}
