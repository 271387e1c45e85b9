import * as z from 'zod';
import { templateSchemaV1 } from './templateSchema';

/**
 * The JSON Schema (draft 2020-12) of template format version 1, for template authors' editors
 * and validators. It is generated from the same zod schema that {@link parseTemplate} uses, so
 * it cannot drift; docs/template-v1.schema.json is this value, checked by a test.
 *
 * JSON Schema cannot express the cross-field rules (frame counts that must agree, keyframe
 * order, faces within reach of the frame); {@link parseTemplate} remains the authority.
 *
 * @example Serve it next to your own templates, or hand it to a JSON Schema validator:
 * ```ts
 * writeFileSync('template-v1.schema.json', JSON.stringify(templateJsonSchema(), null, 2));
 * ```
 *
 * @public
 */
export function templateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(templateSchemaV1, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'vopop-template-v1.schema.json',
    title: 'Vopop template, format version 1',
  };
}
