
/**
 * The options object a MODULARIZE'd Emscripten factory accepts, reduced to what the sandbox
 * sets: where the wasm instance comes from, and where the C library's stdout/stderr go.
 *
 * @public
 */
export interface EmscriptenModuleArg {
  instantiateWasm(
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => unknown,
  ): object;
  print(text: string): void;
  printErr(text: string): void;
}

/**
 * A MODULARIZE'd Emscripten factory (the default export of its `.js` glue): each call builds
 * a separate runtime over a separate instance, and resolves with the runtime's module object.
 *
 * @public
 */
export type EmscriptenFactory<M> = (moduleArg: EmscriptenModuleArg) => Promise<M>;

/**
 * What the sandbox reports after every run, for tests and audits: the instance memory it
 * wiped and whether a re-read found only zeros. The memory is exposed so that a test can read
 * it; it must not be kept.
 *
 * @public
 */
export interface SandboxRelease {
  readonly memory: WebAssembly.Memory;
  readonly bytes: number;
  readonly verified: boolean;
}

/**
 * How to construct a {@link WasmSandbox}.
 *
 * @public
 */
export interface WasmSandboxOptions {
  /** Called after each run's memory was wiped, success or failure. */
  readonly onRelease?: (release: SandboxRelease) => void;
}

function silent(): void {
  // A C decoder prints warnings ("Premature end of JPEG file") that are ours to turn into
  // typed errors, not theirs to print.
}

function exportedMemory(exports: WebAssembly.Exports): WebAssembly.Memory | undefined {
  for (const value of Object.values(exports)) {
    if (value instanceof WebAssembly.Memory) return value;
  }
  return undefined;
}

const wordsPerPage = 1024; // 4 KiB, the OS page

/** True when the page of 32-bit words starting at `start` reads as all zero. */
function pageIsZero(words: Int32Array, start: number): boolean {
  let any = 0;
  for (let i = start; i < start + wordsPerPage; i++) any |= words[i]!;
  return any === 0;
}

/**
 * Zero every byte of a linear memory and confirm it by reading it back. Most of a fresh
 * instance's memory was never touched; writing it would make the OS back thousands of pages
 * just to write zeros over zeros (that alone cost ~70 ms per decode). So each 4 KiB page is
 * read first, and only a page that is not already zero is filled, then read again. Every byte
 * is read as zero after the call when this returns true.
 */
function wipeLinearMemory(buffer: ArrayBuffer): boolean {
  // Wasm memories are whole 64 KiB pages, so the length is a multiple of 4 KiB.
  const words = new Int32Array(buffer);
  for (let start = 0; start < words.length; start += wordsPerPage) {
    if (pageIsZero(words, start)) continue;
    words.fill(0, start, start + wordsPerPage);
    if (!pageIsZero(words, start)) return false;
  }
  return true;
}

/**
 * Runs an Emscripten-compiled C decoder so that nothing it touched outlives the call: the
 * wasm is compiled once, but every {@link WasmSandbox.run} gets a FRESH instance (its own
 * linear memory, its own C heap), and after the work returns or throws, that instance's
 * entire memory is zero-filled, re-read, and the instance dropped.
 *
 * Why: a decoder's heap holds the compressed file, its working buffers and the decoded
 * pixels, and `free()` does not clear them. A long-lived instance would carry them from one
 * photo to the next, and a freed native buffer (as with sharp's libvips) cannot be reached
 * from JavaScript at all. A linear memory we own can.
 *
 * The work callback must copy out what it needs (JS-heap objects, which the caller then owns
 * and wipes) and must not keep views into the instance memory: those read zeros afterwards.
 *
 * Platform-free: the compiled `WebAssembly.Module` is injected (Node reads the `.wasm` from
 * the package; a browser fetches it from the app's own origin).
 *
 * @public
 */
export class WasmSandbox<M> {
  readonly #module: WebAssembly.Module;
  readonly #factory: EmscriptenFactory<M>;
  readonly #onRelease: ((release: SandboxRelease) => void) | undefined;

  constructor(
    module: WebAssembly.Module,
    factory: EmscriptenFactory<M>,
    options: WasmSandboxOptions = {},
  ) {
    this.#module = module;
    this.#factory = factory;
    this.#onRelease = options.onRelease;
  }

  /**
   * Instantiate a fresh runtime, run `work` on it, then wipe and drop the instance.
   * `discard` wipes the result if the run fails after `work` returned it.
   *
   * @throws whatever instantiation or `work` throws, after the wipe; an `Error` if the wiped
   *   memory does not read back as zeros (never observed; it would mean the wipe is broken).
   */
  async run<T>(work: (runtime: M) => T | Promise<T>, discard?: (result: T) => void): Promise<T> {
    let memory: WebAssembly.Memory | undefined;
    let result: T;
    try {
      const runtime = await new Promise<M>((resolve, reject) => {
        const moduleArg: EmscriptenModuleArg = {
          print: silent,
          printErr: silent,
          instantiateWasm: (imports, receive) => {
            WebAssembly.instantiate(this.#module, imports)
              .then((instance) => {
                memory = exportedMemory(instance.exports);
                if (memory === undefined) throw new Error('The decoder module exports no memory.');
                receive(instance, this.#module);
              })
              .catch(reject);
            // Emscripten's contract: return the exports now, or an empty object and call back.
            return {};
          },
        };
        this.#factory(moduleArg).then(resolve, reject);
      });
      result = await work(runtime);
    } catch (error) {
      if (memory !== undefined) this.#release(memory);
      throw error;
    }
    if (memory !== undefined && !this.#release(memory)) {
      discard?.(result);
      throw new Error('The decoder sandbox memory did not read back as zeros after wiping.');
    }
    return result;
  }

  /** Zero-fill the whole linear memory (every page ever grown), re-read it, report it. */
  #release(memory: WebAssembly.Memory): boolean {
    const verified = wipeLinearMemory(memory.buffer);
    this.#onRelease?.({ memory, bytes: memory.buffer.byteLength, verified });
    return verified;
  }
}
