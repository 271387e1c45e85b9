import type { ImageDecoder } from '@vopop/core';
import { RecordedBackgroundSource } from '@vopop/core';
import { NodeImageDecoder } from '../decode/nodeImageDecoder';
import { NodeTemplateAssets } from './nodeTemplateAssets';

/**
 * Recorded backgrounds for templates loaded from disk (`loadTemplateFile`): core's
 * `RecordedBackgroundSource` over the template's folder ({@link NodeTemplateAssets}). A `video`
 * background is decoded while the video renders, one frame per rendered frame; a `frames`
 * background decodes each image when its frame is drawn. Memory stays flat however long it is.
 *
 * @public
 */
export class NodeBackgroundSource extends RecordedBackgroundSource {
  /**
   * @param folder - the folder that holds the template's manifest (`LoadedTemplate.folder`).
   * @param images - decodes `frames` backgrounds' images. Default: a {@link NodeImageDecoder}
   *   (sharp) whose handles are labelled `background.pixels` in receipts. Template images are
   *   not personal data, so the residue sharp leaves in freed native memory does not matter
   *   here, and it decodes a 720×1280 JPEG several times faster than the residue-free
   *   WebAssembly decoder that photos get (docs/benchmarks.md, "Recorded backgrounds").
   */
  constructor(folder: string, images: ImageDecoder = new NodeImageDecoder({ label: 'background.pixels' })) {
    super(new NodeTemplateAssets(folder), images);
  }
}
