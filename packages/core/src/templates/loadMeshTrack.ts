import type { TemplateAssets } from '../ports/templateAssets';
import type { MeshTrack } from '../render/mesh/meshTrack';
import { decodeMeshTrack } from './meshTrackFile';
import { ensureValidTemplate } from './parseTemplate';
import type { Template } from './templateSchema';

/**
 * Tracks already read, by the files they came from and then the manifest: a loader reads the
 * track when the template is loaded and the renderer asks again for the same pair, which must not
 * fetch and hash up to 20 MB twice. Template data, not personal: nothing here needs wiping, and
 * both keys are weak, so a track goes with its template.
 */
const loaded = new WeakMap<TemplateAssets, WeakMap<Template, MeshTrack>>();

/**
 * Read and check the mesh data file of a template's `mesh` face track through the template's own
 * files (`LoadedTemplate.assets`: a folder on disk, the app's origin), so the track comes from
 * the same place as the background and nowhere else. `undefined` for a points or keyframes track.
 * The same template and files give the same track object, read once.
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
  const known = loaded.get(assets)?.get(template);
  if (known !== undefined) return known;
  const bytes = await assets.read(track.data.path, 'faceTrack.data.path', signal);
  const meshTrack = decodeMeshTrack(template, bytes);
  let byTemplate = loaded.get(assets);
  if (byTemplate === undefined) loaded.set(assets, (byTemplate = new WeakMap()));
  byTemplate.set(template, meshTrack);
  return meshTrack;
}
