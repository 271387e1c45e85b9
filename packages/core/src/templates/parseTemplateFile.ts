import { TemplateInvalidError } from '../errors/templateInvalidError';
import { parseTemplate } from './parseTemplate';
import type { Template } from './templateSchema';

/**
 * Validate the bytes of an untrusted manifest file: UTF-8 text (a stray Latin-1 byte is refused,
 * not replaced), then JSON, then {@link parseTemplate}. Every platform's loader reads the bytes
 * its own way (a folder on disk, the app's origin) and hands them here, so a file is judged the
 * same everywhere.
 *
 * @throws {@link TemplateInvalidError} at `(file)` for text that is not UTF-8 or not JSON, and
 *   as {@link parseTemplate} does for a manifest that is not a valid template.
 * @public
 */
export function parseTemplateFile(bytes: Uint8Array): Template {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw TemplateInvalidError.at('(file)', 'template file is not UTF-8 text', error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw TemplateInvalidError.at('(file)', 'template file is not valid JSON', error);
  }
  return parseTemplate(json);
}
