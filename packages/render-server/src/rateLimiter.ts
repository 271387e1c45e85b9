/**
 * Per-API-key token buckets: `burst` requests at once, refilled at `perMinute`. Only the bucket
 * state is kept, keyed by the key's name, never by anything a request carries about a person.
 *
 * @public
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    readonly burst: number,
    readonly now: () => number = Date.now,
  ) {}

  /** Take one token for `key`: 0 when allowed, else the seconds until one is free. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
    const perMs = this.perMinute / 60_000;
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }
}
