import type * as tfc from '@tensorflow/tfjs-core';
import { AbortedError } from '../errors/abortedError';
import { ModelIntegrityError } from '../errors/modelIntegrityError';
import type { ModelBytesSource, PinnedModelFile, Sha256Function } from '../ports/modelBytesSource';

type Tf = typeof tfc;

/** A graph whose JSON and every weight shard matched their pins. @internal */
export interface VerifiedGraph {
  /** The graph's file name, for errors. */
  readonly name: string;
  /** The parsed `model.json`. */
  readonly json: tfc.io.ModelJSON;
  /** The weight shards, in `weightsManifest` order, each already verified. */
  readonly shards: ReadonlyMap<string, Uint8Array>;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}

/**
 * Read one pinned file and check its size and SHA-256. Throws {@link ModelIntegrityError} for a
 * file that is not pinned, cannot be read, or differs in any byte.
 *
 * @internal
 */
export async function readVerifiedFile(
  name: string,
  source: ModelBytesSource,
  sha256: Sha256Function,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const pin: PinnedModelFile | undefined = source.pinned.find((file) => file.name === name);
  if (!pin) throw new ModelIntegrityError(name, 'not-pinned', '', '', -1, -1);
  throwIfAborted(signal);
  let bytes: Uint8Array;
  try {
    bytes = await source.read(name, signal ? { signal } : {});
  } catch (error) {
    throwIfAborted(signal);
    throw new ModelIntegrityError(name, 'unreadable', pin.sha256, '', pin.bytes, -1, { cause: error });
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new ModelIntegrityError(name, 'unreadable', pin.sha256, '', pin.bytes, -1);
  }
  const actual = toHex(await sha256(bytes));
  if (bytes.byteLength !== pin.bytes || actual !== pin.sha256.toLowerCase()) {
    throw new ModelIntegrityError(name, 'mismatch', pin.sha256, actual, pin.bytes, bytes.byteLength);
  }
  throwIfAborted(signal);
  return bytes;
}

/**
 * Read and verify a graph's `model.json`, then every shard its `weightsManifest` names. Nothing
 * is handed to tfjs here: the result is plain verified bytes.
 *
 * @internal
 */
export async function readVerifiedGraph(
  name: string,
  source: ModelBytesSource,
  sha256: Sha256Function,
  signal?: AbortSignal,
): Promise<VerifiedGraph> {
  const jsonBytes = await readVerifiedFile(name, source, sha256, signal);
  // The bytes matched the pin, so this parse sees exactly the reviewed file.
  const json = JSON.parse(new TextDecoder().decode(jsonBytes)) as tfc.io.ModelJSON;
  const shards = new Map<string, Uint8Array>();
  for (const group of json.weightsManifest ?? []) {
    for (const path of group.paths) {
      // Shard paths are relative to model.json; the pins are by bare file name.
      const shardName = path.slice(path.lastIndexOf('/') + 1);
      if (!shards.has(shardName)) {
        shards.set(shardName, await readVerifiedFile(shardName, source, sha256, signal));
      }
    }
  }
  return { name, json, shards };
}

/**
 * An `io.IOHandler` that gives tfjs the verified graph, so the converter loads from memory: no
 * URL, no `fetch`, no file system.
 *
 * @internal
 */
export function verifiedGraphHandler(tf: Tf, graph: VerifiedGraph): tfc.io.IOHandler {
  return {
    load: () =>
      tf.io.getModelArtifactsForJSON(graph.json, async (manifest) => {
        const specs: tfc.io.WeightsManifestEntry[] = [];
        const parts: Uint8Array[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const shard = graph.shards.get(path.slice(path.lastIndexOf('/') + 1));
            if (!shard) throw new ModelIntegrityError(path, 'not-pinned', '', '', -1, -1);
            parts.push(shard);
          }
        }
        const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
        const weights = new Uint8Array(total);
        let offset = 0;
        for (const part of parts) {
          weights.set(part, offset);
          offset += part.byteLength;
        }
        return [specs, weights.buffer];
      }),
  };
}
