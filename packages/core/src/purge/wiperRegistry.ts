import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { bufferWipers } from './bufferWipers';
import type { Wiper } from './wiper';

/**
 * The one place where wipers are registered. Scopes look up a wiper for each value they are
 * asked to hold; a value no wiper matches is refused, because holding what cannot be wiped
 * would make the receipt a lie.
 *
 * Adapters register wipers for their platform's resources (tensors, ImageBitmaps, VideoFrames,
 * object URLs, temp files). The most recently registered matching wiper wins, so an adapter
 * can specialise a general wiper.
 *
 * @public
 */
export class WiperRegistry {
  readonly #wipers: Wiper[];

  constructor(initial: readonly Wiper[] = bufferWipers) {
    this.#wipers = [...initial];
  }

  /**
   * Add a wiper. Returns a function that removes it again. Registering the same wiper object
   * twice is harmless: it is kept once.
   */
  register<T>(wiper: Wiper<T>): () => void {
    const entry = wiper as Wiper;
    if (!this.#wipers.includes(entry)) this.#wipers.push(entry);
    return () => {
      const index = this.#wipers.indexOf(entry);
      if (index >= 0) this.#wipers.splice(index, 1);
    };
  }

  /** The wiper for `value`, or `undefined` if none matches. */
  find(value: unknown): Wiper | undefined {
    for (let i = this.#wipers.length - 1; i >= 0; i--) {
      const wiper = this.#wipers[i]!;
      if (wiper.matches(value)) return wiper;
    }
    return undefined;
  }

  /** The wiper for `value`; throws {@link InvalidArgumentError} if none matches. */
  require(value: unknown): Wiper {
    const wiper = this.find(value);
    if (!wiper) {
      const type =
        value === null ? 'null' : typeof value === 'object' ? value.constructor?.name : typeof value;
      throw new InvalidArgumentError(
        `No wiper is registered for a value of type ${String(type)}; ` +
          'register one with WiperRegistry.register() or pass `wiper` when holding it.',
      );
    }
    return wiper;
  }
}

/**
 * The registry scopes use unless given another. Adapters register their platform wipers here.
 *
 * @public
 */
export const defaultWiperRegistry: WiperRegistry = /* @__PURE__ */ new WiperRegistry();
