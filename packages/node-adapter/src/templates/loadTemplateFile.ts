import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedTemplate, MeshTrack, Template } from '@vopop/core';
import { InvalidArgumentError, TemplateInvalidError, loadMeshTrack, parseTemplateFile } from '@vopop/core';
import { NodeTemplateAssets } from './nodeTemplateAssets';
import { fileErrorCode, readCappedFile, resolveInFolder } from './templateFolderFiles';

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
   * folder, and a `mesh` face track's data file be read and checked. Default `true`; turn off
   * only to validate a manifest whose assets are not there yet.
   */
  readonly checkAssets?: boolean;
  /** Stops reading the manifest (between chunks); the error is then an `AbortedError`. */
  readonly signal?: AbortSignal;
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
  /** The real (symlink-free) absolute path, inside {@link LoadedTemplateFile.folder}. */
  readonly absolutePath: string;
}

/**
 * A template loaded from disk: the validated manifest, its folder, the files it names, and the
 * reader of those files. Pass it whole as `generateVideo`'s `template`: it is a core
 * `LoadedTemplate`, so the render reads this template's files and no other.
 *
 * @public
 */
export interface LoadedTemplateFile extends LoadedTemplate {
  /** The real path of the folder that holds the manifest; every file lies inside it. */
  readonly folder: string;
  /** Every file the manifest names, in manifest order; empty for procedural backgrounds. */
  readonly files: readonly TemplateAsset[];
  /**
   * A format-2 `mesh` face track's data, read and checked (`loadMeshTrack`); absent for points
   * and keyframes tracks, and when `checkAssets` is off.
   */
  readonly meshTrack?: MeshTrack;
}

const defaultMaxBytes = 4 * 1024 * 1024;

function assetsOf(template: Template): { manifestPath: string; relativePath: string }[] {
  const background = template.background;
  const files =
    background.kind === 'frames'
      ? background.frames.map((relativePath, index) => ({ manifestPath: `background.frames[${index}]`, relativePath }))
      : background.kind === 'video'
        ? [{ manifestPath: 'background.path', relativePath: background.path }]
        : [];
  if (template.faceTrack.kind === 'mesh') {
    files.push({ manifestPath: 'faceTrack.data.path', relativePath: template.faceTrack.data.path });
  }
  return files;
}

/** Resolve one asset with `realpath` and make sure it is a regular file inside `folder`. */
async function resolveAsset(
  folder: string,
  asset: { manifestPath: string; relativePath: string },
): Promise<TemplateAsset> {
  const absolutePath = await resolveInFolder(folder, asset.relativePath, asset.manifestPath, `asset "${asset.relativePath}"`);
  return { manifestPath: asset.manifestPath, relativePath: asset.relativePath, absolutePath };
}

/**
 * Load a template manifest (JSON) from disk, validate it with `parseTemplate`, and resolve its
 * assets.
 *
 * The manifest is untrusted: its size is capped before parsing, it must be UTF-8 JSON, and
 * every asset path must (after `parseTemplate`'s string rules) also resolve, symlinks followed,
 * to a regular file inside the manifest's folder. Any failure is a {@link TemplateInvalidError}
 * naming the manifest path of the offending entry (`(file)` for the file itself); nothing is
 * left open. A format-2 `mesh` face track's data file is read and checked too (size, SHA-256,
 * every point), and returned as `meshTrack`.
 *
 * @throws InvalidArgumentError for a `maxBytes` that is not a positive integer.
 * @public
 */
export async function loadTemplateFile(file: string, options: LoadTemplateOptions = {}): Promise<LoadedTemplateFile> {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new InvalidArgumentError('maxBytes must be a positive integer number of bytes.');
  }
  const bytes = await readCappedFile(file, { maxBytes, field: '(file)', noun: 'template file', signal: options.signal });
  const template = parseTemplateFile(bytes);
  let folder: string;
  try {
    folder = await realpath(path.dirname(path.resolve(file)));
  } catch (error) {
    throw TemplateInvalidError.at('(file)', `template folder could not be resolved (${fileErrorCode(error)})`, error);
  }
  const files: TemplateAsset[] = [];
  if (options.checkAssets !== false) {
    for (const asset of assetsOf(template)) files.push(await resolveAsset(folder, asset));
  } else {
    for (const asset of assetsOf(template)) {
      files.push({ ...asset, absolutePath: path.resolve(folder, asset.relativePath) });
    }
  }
  const assets = new NodeTemplateAssets(folder);
  // Read now, so that a damaged mesh file is refused at load rather than half-way into a render.
  const meshTrack = options.checkAssets === false ? undefined : await loadMeshTrack(template, assets, options.signal);
  return { template, folder, files, assets, ...(meshTrack ? { meshTrack } : {}) };
}
