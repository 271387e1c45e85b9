/**
 * What an ephemeral handle holds. A closed list so that receipts cannot carry free text.
 *
 * @public
 */
export type HandleKind =
  | 'buffer'
  | 'photo-bytes'
  | 'pixels'
  | 'tensor'
  | 'landmarks'
  | 'matte'
  | 'face-transform'
  | 'aligned-face'
  | 'frame'
  | 'image-bitmap'
  | 'video-frame'
  | 'canvas'
  | 'object-url'
  | 'temp-file'
  | 'video';

/** Every {@link HandleKind}, for validation. @internal */
export const handleKinds: ReadonlySet<string> = new Set<HandleKind>([
  'buffer',
  'photo-bytes',
  'pixels',
  'tensor',
  'landmarks',
  'matte',
  'face-transform',
  'aligned-face',
  'frame',
  'image-bitmap',
  'video-frame',
  'canvas',
  'object-url',
  'temp-file',
  'video',
]);

/**
 * Labels are identifiers chosen by code (`'photo.pixels'`), never data: short, no spaces, so a
 * file name or a user's text cannot slip into a receipt by accident.
 *
 * @internal
 */
export const labelPattern = /^[A-Za-z0-9][\w.:/-]{0,79}$/;
