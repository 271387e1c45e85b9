import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { BackgroundFrames, BackgroundSource, EphemeralScope, Template } from '@vopop/core';
import { AbortedError, TemplateInvalidError } from '@vopop/core';
import { decodeVideoFile } from '../video/decodeVideoFile';

interface FrameRequest {
  readonly out: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function invalid(path: string, message: string): TemplateInvalidError {
  return new TemplateInvalidError([{ path, message }]);
}

/**
 * Recorded backgrounds for templates loaded from disk (`loadTemplateFile`): a `video` background
 * is decoded while the video renders, one frame per rendered frame, so memory stays flat however
 * long it is. `frames` backgrounds are not supported yet.
 *
 * @public
 */
export class NodeBackgroundSource implements BackgroundSource {
  readonly #folder: string;

  /** @param folder - the folder that holds the template's manifest (`LoadedTemplate.folder`). */
  constructor(folder: string) {
    this.#folder = realpathSync(folder);
  }

  async open(template: Template, _scope: EphemeralScope, signal?: AbortSignal): Promise<BackgroundFrames> {
    const background = template.background;
    if (background.kind !== 'video') {
      throw invalid('background.kind', `'${background.kind}' backgrounds cannot be rendered yet; use a video or a procedural background`);
    }
    let file: string;
    try {
      file = realpathSync(join(this.#folder, background.path));
    } catch {
      throw invalid('background.path', 'the background video is missing next to the manifest');
    }
    if (!file.startsWith(this.#folder + sep)) throw invalid('background.path', 'the background video lies outside the template folder');

    const { width, height, frameCount } = template;
    const requests: FrameRequest[] = [];
    let wakeDecoder: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    const failAll = (error: unknown) => {
      failure ??= error;
      for (const request of requests.splice(0)) request.reject(failure);
    };
    // The decoder pushes frames; the renderer pulls them. Each decoded frame waits here until the
    // renderer asks for one, so exactly one frame is in flight.
    const decoding = decodeVideoFile(
      file,
      {
        onFrame: async (rgba, frameWidth, frameHeight) => {
          if (frameWidth !== width || frameHeight !== height) {
            throw invalid('background.path', `the video is ${frameWidth}×${frameHeight}, the template ${width}×${height}`);
          }
          while (requests.length === 0) {
            if (stop.signal.aborted) throw new AbortedError(stop.signal.reason);
            await new Promise<void>((resolve) => (wakeDecoder = resolve));
          }
          const request = requests.shift()!;
          request.out.set(rgba);
          request.resolve();
        },
      },
      stop.signal,
    ).then(
      (info) => {
        finished = true;
        if (info.frameCount < frameCount) {
          failAll(invalid('frameCount', `the background video has ${info.frameCount} frames, the template ${frameCount}`));
        }
      },
      (error: unknown) => {
        finished = true;
        failAll(error instanceof AbortedError || stop.signal.aborted ? new AbortedError(signal?.reason) : error);
      },
    );

    return {
      next: (out) =>
        new Promise<void>((resolve, reject) => {
          if (failure !== undefined) return reject(failure);
          if (finished) return reject(invalid('frameCount', 'the background video ended before the template'));
          requests.push({ out, resolve, reject });
          wakeDecoder?.();
          wakeDecoder = undefined;
        }),
      [Symbol.asyncDispose]: async () => {
        signal?.removeEventListener('abort', onAbort);
        if (!finished) stop.abort();
        // Unblock a decoder waiting for a request, then wait for it to stop.
        wakeDecoder?.();
        await decoding;
      },
    };
  }
}
