import * as z from 'zod';
import { templateSchemaV1, templateSchemaV2 } from './templateSchema';

/**
 * The JSON Schema (draft 2020-12) of a template format version, for template authors' editors
 * and validators: version 2 (the default, the newest: version 1 plus the `mesh` face track) or
 * version 1. It is generated from the same zod schemas that {@link parseTemplate} uses, so it
 * cannot drift; docs/template-v1.schema.json and docs/template-v2.schema.json are these values,
 * checked by a test.
 *
 * JSON Schema cannot express the cross-field rules (frame counts that must agree, keyframe
 * order, faces within reach of the frame) nor check a mesh data file; {@link parseTemplate} and
 * `loadMeshTrack` remain the authority.
 *
 * @example Serve it next to your own templates, or hand it to a JSON Schema validator:
 * ```ts
 * writeFileSync('template-v2.schema.json', JSON.stringify(templateJsonSchema(2), null, 2));
 * ```
 *
 * @public
 */
export function templateJsonSchema(version: 1 | 2 = 2): Record<string, unknown> {
  const source = version === 1 ? templateSchemaV1 : templateSchemaV2;
  const schema = z.toJSONSchema(source, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: `vopop-template-v${version}.schema.json`,
    title: `Vopop template, format version ${version}`,
  };
}
