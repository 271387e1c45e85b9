import { lstat, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Template, TemplateIssue } from '@vopop/core';
import { InvalidArgumentError, parseTemplate, TemplateInvalidError } from '@vopop/core';

/**
 * How to load a template manifest from disk.
 *
 * @public
 */
export interface LoadTemplateOptions {
  /**
   * Largest manifest accepted, in bytes. Default 4 MiB, room for a per-frame points track of
   * a full minute at 60 fps; anything bigger is refused before it is parsed.
   */
  readonly maxBytes?: number;
  /**
   * Whether every asset must exist and resolve (symlinks followed) inside the template's
   * folder. Default `true`; turn off only to validate a manifest whose assets are not there yet.
   */
  readonly checkAssets?: boolean;
}

/**
 * One file a template uses, resolved.
 *
 * @public
 */
export interface TemplateAsset {
  /** Where the manifest names it, e.g. `background.frames[3]`. */
  readonly manifestPath: string;
  /** The path as written in the manifest, relative to its folder. */
  readonly relativePath: string;
  /** The real (symlink-free) absolute path, inside {@link LoadedTemplate.folder}. */
  readonly absolutePath: string;
}

/**
 * A template loaded from disk: the validated manifest, its folder, and its assets.
 *
 * @public
 */
export interface LoadedTemplate {
  readonly template: Template;
  /** The real path of the folder that holds the manifest; every asset lies inside it. */
  readonly folder: string;
  /** Every asset the manifest names, in manifest order; empty for procedural backgrounds. */
  readonly assets: readonly TemplateAsset[];
}

const defaultMaxBytes = 4 * 1024 * 1024;

function invalid(issuePath: string, message: string, cause?: unknown): TemplateInvalidError {
  const issues: TemplateIssue[] = [{ path: issuePath, message }];
  return cause === undefined ? new TemplateInvalidError(issues) : new TemplateInvalidError(issues, { cause });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** Read at most `maxBytes` bytes of `file`, refusing anything that is not a small regular file. */
async function readCapped(file: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw invalid('(file)', `template file could not be opened (${errorCode(error)})`, error);
  }
  try {
    // Size and type come from the opened descriptor, not the name, so a file swapped in between
    // the check and the read cannot slip past the cap.
    const stats = await handle.stat();
    if (!stats.isFile()) throw invalid('(file)', 'template path is not a regular file');
    if (stats.size > maxBytes) throw invalid('(file)', `template file is larger than ${maxBytes} bytes`);
    // Read in chunks until end of file, giving up as soon as the cap is passed: the file may
    // have grown since fstat, and a 4 MiB buffer for a 2 KiB manifest would be waste.
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(64 * 1024, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) throw invalid('(file)', `template file is larger than ${maxBytes} bytes`);
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

function assetsOf(template: Template): { manifestPath: string; relativePath: string }[] {
  const background = template.background;
  if (background.kind === 'frames') {
    return background.frames.map((relativePath, index) => ({ manifestPath: `background.frames[${index}]`, relativePath }));
  }
  if (background.kind === 'video') return [{ manifestPath: 'background.path', relativePath: background.path }];
  return [];
}

/** Resolve one asset with `realpath` and make sure it is a regular file inside `folder`. */
async function resolveAsset(
  folder: string,
  asset: { manifestPath: string; relativePath: string },
): Promise<TemplateAsset> {
  const named = `asset "${asset.relativePath}"`;
  let real: string;
  try {
    real = await realpath(path.resolve(folder, asset.relativePath));
  } catch (error) {
    throw invalid(asset.manifestPath, `${named} could not be found (${errorCode(error)})`, error);
  }
  const relative = path.relative(folder, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw invalid(asset.manifestPath, `${named} resolves outside the template folder (through a symbolic link); copy the file into the folder`);
  }
  const stats = await lstat(real);
  if (!stats.isFile()) throw invalid(asset.manifestPath, `${named} is not a regular file`);
  return { manifestPath: asset.manifestPath, relativePath: asset.relativePath, absolutePath: real };
}

/**
 * Load a template manifest (JSON) from disk, validate it with `parseTemplate`, and resolve its
 * assets.
 *
 * The manifest is untrusted: its size is capped before parsing, it must be UTF-8 JSON, and
 * every asset path must (after `parseTemplate`'s string rules) also resolve, symlinks followed,
 * to a regular file inside the manifest's folder. Any failure is a {@link TemplateInvalidError}
 * naming the manifest path of the offending entry (`(file)` for the file itself); nothing is
 * left open.
 *
 * @throws InvalidArgumentError for a `maxBytes` that is not a positive integer.
 * @public
 */
export async function loadTemplateFile(file: string, options: LoadTemplateOptions = {}): Promise<LoadedTemplate> {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new InvalidArgumentError('maxBytes must be a positive integer number of bytes.');
  }
  const bytes = await readCapped(file, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw invalid('(file)', 'template file is not UTF-8 text', error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid('(file)', 'template file is not valid JSON', error);
  }
  const template = parseTemplate(json);
  let folder: string;
  try {
    folder = await realpath(path.dirname(path.resolve(file)));
  } catch (error) {
    throw invalid('(file)', `template folder could not be resolved (${errorCode(error)})`, error);
  }
  const assets: TemplateAsset[] = [];
  if (options.checkAssets !== false) {
    for (const asset of assetsOf(template)) assets.push(await resolveAsset(folder, asset));
  } else {
    for (const asset of assetsOf(template)) {
      assets.push({ ...asset, absolutePath: path.resolve(folder, asset.relativePath) });
    }
  }
  return { template, folder, assets };
}
