import type { ImageDecoder } from '@vopop/core';
import { RecordedBackgroundSource } from '@vopop/core';
import { WasmImageDecoder } from '../wasmDecode/wasmImageDecoder';
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
   * @param images - decodes `frames` backgrounds' images. Default: a {@link WasmImageDecoder}
   *   whose handles are labelled `background.pixels` in receipts.
   */
  constructor(folder: string, images: ImageDecoder = new WasmImageDecoder({ label: 'background.pixels' })) {
    super(new NodeTemplateAssets(folder), images);
  }
}
