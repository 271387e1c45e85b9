import * as tf from '@tensorflow/tfjs-core';
import { sameOriginFolder } from './browserModelSource';

/**
 * A tfjs backend the web adapter can run detection on. `'webgl'` uses the GPU where the browser
 * grants one; `'wasm'` runs on the CPU with SIMD and is the fallback where WebGL is missing or
 * broken (headless browsers without a GPU, some iOS versions).
 *
 * @public
 */
export type BrowserTfjsBackend = 'webgl' | 'wasm';

/**
 * Options of {@link useBrowserTfjsBackend}.
 *
 * @public
 */
export interface BrowserTfjsBackendOptions {
  /** Backends to try, in order. Default `['webgl', 'wasm']`. */
  readonly backends?: readonly BrowserTfjsBackend[];
  /**
   * Folder on the app's origin that serves `tfjs-backend-wasm.wasm` and
   * `tfjs-backend-wasm-simd.wasm` (from `@tensorflow/tfjs-backend-wasm/dist`). Required when
   * `'wasm'` is among the backends: the backend would otherwise guess a location.
   */
  readonly wasmBaseUrl?: string | URL;
}

let wasmPathsSet: string | undefined;

async function register(name: BrowserTfjsBackend, options: BrowserTfjsBackendOptions): Promise<void> {
  if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
    return;
  }
  if (options.wasmBaseUrl === undefined) {
    throw new Error('The wasm backend needs `wasmBaseUrl`: a folder on the app\'s origin serving its .wasm files.');
  }
  const folder = sameOriginFolder(options.wasmBaseUrl, 'The tfjs wasm folder').href;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (wasmPathsSet !== folder) {
    // Only the single-threaded binaries are named: the threaded one needs cross-origin
    // isolation and a blob: worker, which the documented CSP does not allow.
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': `${folder}tfjs-backend-wasm.wasm`,
      'tfjs-backend-wasm-simd.wasm': `${folder}tfjs-backend-wasm-simd.wasm`,
      'tfjs-backend-wasm-threaded-simd.wasm': `${folder}tfjs-backend-wasm-threaded-simd.wasm`,
    });
    wasmPathsSet = folder;
  }
}

/** Renderers that draw on the CPU: tfjs' shaders compile there for tens of seconds. */
const softwareRenderer = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * Whether a hardware WebGL context can be created here. A software rasteriser (SwiftShader in a
 * browser without a GPU, where Chromium does not honour `failIfMajorPerformanceCaveat` for
 * offscreen canvases) counts as none: wasm is many times faster there.
 */
function webglAvailable(): boolean {
  if (typeof OffscreenCanvas !== 'function') return false;
  const canvas = new OffscreenCanvas(1, 1);
  const attributes = { failIfMajorPerformanceCaveat: true };
  try {
    const context = (canvas.getContext('webgl2', attributes) ?? canvas.getContext('webgl', attributes)) as
      | WebGLRenderingContext
      | null;
    if (!context) return false;
    const info = context.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(context.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : context.RENDERER));
    context.getExtension('WEBGL_lose_context')?.loseContext();
    return !softwareRenderer.test(renderer);
  } catch {
    return false;
  } finally {
    canvas.width = 0;
    canvas.height = 0;
  }
}

/**
 * Make the first backend of `options.backends` that starts the active tfjs backend. WebGL is
 * probed first (an OffscreenCanvas context that must not be software-rendered), so a browser
 * without a usable GPU goes straight to wasm; a backend whose start fails is skipped. Nothing is fetched but the wasm binaries, from the app's
 * own origin.
 *
 * @returns The backend now active.
 * @throws Error when none of the backends can start.
 * @public
 */
export async function useBrowserTfjsBackend(options: BrowserTfjsBackendOptions = {}): Promise<BrowserTfjsBackend> {
  const candidates = options.backends ?? ['webgl', 'wasm'];
  let lastError: unknown;
  for (const name of candidates) {
    try {
      if (tf.getBackend() === name) return name;
      if (name === 'webgl' && !webglAvailable()) throw new Error('No hardware-accelerated WebGL here.');
      await register(name, options);
      // setBackend resolves false (rather than throwing) when initialisation fails.
      if (!(await tf.setBackend(name))) throw new Error(`The tfjs '${name}' backend could not start.`);
      await tf.ready();
      return name;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`No tfjs backend could start (tried ${candidates.join(', ')}).`, { cause: lastError });
}
