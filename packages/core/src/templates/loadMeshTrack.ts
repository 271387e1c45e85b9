import type { TemplateAssets } from '../ports/templateAssets';
import type { MeshTrack } from '../render/mesh/meshTrack';
import { decodeMeshTrack } from './meshTrackFile';
import { ensureValidTemplate } from './parseTemplate';
import type { Template } from './templateSchema';

/**
 * Read and check the mesh data file of a template's `mesh` face track through the template's own
 * files (`LoadedTemplate.assets`: a folder on disk, the app's origin), so the track comes from
 * the same place as the background and nowhere else. `undefined` for a points or keyframes track.
 *
 * @throws `TemplateInvalidError` at `faceTrack.data.path` for a file that is missing, unreadable,
 *   outside the template's home or of the wrong size, and as {@link decodeMeshTrack} does for
 *   its contents; `AbortedError` on abort.
 * @public
 */
export async function loadMeshTrack(
  template: Template,
  assets: TemplateAssets,
  signal?: AbortSignal,
): Promise<MeshTrack | undefined> {
  template = ensureValidTemplate(template);
  const track = template.faceTrack;
  if (track.kind !== 'mesh') return undefined;
  const bytes = await assets.read(track.data.path, 'faceTrack.data.path', signal);
  return decodeMeshTrack(template, bytes);
}
