/**
 * Rules for asset paths inside a template manifest.
 *
 * A manifest comes from whoever made the template, and the adapter that loads it reads the files
 * it names. So a path must name a file inside the template's own folder and nothing else: the
 * rule is an allow-list (plain relative POSIX paths made of ordinary file names), not a
 * deny-list of tricks, so encodings nobody thought of fail by construction. The adapter still
 * resolves symlinks with `realpath`, because a string check cannot see those.
 */

/** Longest accepted asset path, in characters. */
export const maxAssetPathLength = 255;

/** Deepest accepted folder nesting below the template's folder. */
const maxAssetPathDepth = 8;

/** One path segment: starts with a letter, digit or underscore; no leading dot, no `..`. */
const segmentPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/**
 * Why `path` is not an acceptable template asset path, or `undefined` when it is.
 *
 * Accepted: relative POSIX paths such as `frames/0001.png`, whose segments are ordinary file
 * names. Rejected, each with its own reason: empty paths, absolute paths, Windows drive letters,
 * backslashes, URL schemes (`file:`, `http:`, `data:` …), percent-encoding, NUL and other control
 * characters, empty or `.` / `..` segments, hidden files, and over-long or over-deep paths.
 *
 * @public
 */
export function assetPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'asset path is empty';
  if (path.length > maxAssetPathLength) return `asset path is longer than ${maxAssetPathLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'asset path contains NUL or another control character';
  if (path.includes('\\')) return 'asset path contains a backslash; use forward slashes';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) return 'asset path has a URL scheme or drive letter; use a path relative to the template folder';
  if (path.startsWith('/')) return 'asset path is absolute; use a path relative to the template folder';
  if (path.includes('%')) return 'asset path contains percent-encoding; write the file name as it is';
  const segments = path.split('/');
  if (segments.length > maxAssetPathDepth + 1) return `asset path is nested deeper than ${maxAssetPathDepth} folders`;
  for (const segment of segments) {
    if (segment === '..') return 'asset path contains a ".." segment, which would leave the template folder';
    if (segment === '' || segment === '.') return 'asset path contains an empty or "." segment';
    if (!segmentPattern.test(segment)) {
      return 'asset path segments may only use letters, digits, "_", "-" and "." (not first)';
    }
  }
  return undefined;
}

/**
 * True when `path` names a file inside the template's folder by the rules of
 * {@link assetPathProblem}.
 *
 * @public
 */
export function isSafeAssetPath(path: string): boolean {
  return assetPathProblem(path) === undefined;
}
