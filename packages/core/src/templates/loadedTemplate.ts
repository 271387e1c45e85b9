import type { TemplateAssets } from '../ports/templateAssets';
import type { Template } from './templateSchema';

/**
 * A template together with the files its manifest names: what the platforms' loaders return
 * (`loadTemplateFile` in Node, `loadTemplateUrl` in the browser) and what `generateVideo` takes
 * as its `template` for a recorded (video or image) background. The manifest and its files travel
 * as one value, so a render can never pair a manifest with another template's folder.
 *
 * @public
 */
export interface LoadedTemplate {
  /** The validated manifest. */
  readonly template: Template;
  /** Reads the files the manifest names, from the manifest's own folder or origin. */
  readonly assets: TemplateAssets;
}

/** Whether `value` is a {@link LoadedTemplate} rather than a bare manifest. @internal */
export function isLoadedTemplate(value: unknown): value is LoadedTemplate {
  if (typeof value !== 'object' || value === null || !('template' in value) || !('assets' in value)) return false;
  const assets = (value as { assets: unknown }).assets;
  return typeof assets === 'object' && assets !== null && typeof (assets as TemplateAssets).read === 'function';
}
