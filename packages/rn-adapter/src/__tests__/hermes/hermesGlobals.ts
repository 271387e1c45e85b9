/**
 * What a React Native app's runtime provides and the `hermes` CLI (0.12) does not: RN installs
 * `URL`, `AbortController`, `fetch`, `performance`, `console`; Hermes in RN 0.74+ has `TextEncoder`; apps add
 * `crypto.getRandomValues` (react-native-get-random-values or react-native-quick-crypto). These
 * minimal stand-ins exist only so that core runs under the bare VM; they are installed only
 * where the global is missing (feature detection), and nothing here is shipped.
 */
type Listener = () => void;

const g = globalThis as Record<string, unknown>;
declare const print: (line: string) => void;

// What the VM itself has, recorded before any SDK module runs (core then installs its polyfill).
g.__vmFacts = {
  symbolDispose: typeof (Symbol as { dispose?: symbol }).dispose,
  weakRef: typeof g.WeakRef,
  finalizationRegistry: typeof g.FinalizationRegistry,
  webAssembly: typeof g.WebAssembly,
};

if (typeof g.performance !== 'object') {
  // RN installs `performance.now()`; the bare VM has only Date.
  g.performance = { now: () => Date.now() };
}

if (typeof g.console !== 'object') {
  const log = (...parts: unknown[]) => print(parts.map(String).join(' '));
  g.console = { log, warn: log, error: log, info: log, debug: log };
}

if (typeof g.TextEncoder !== 'function') {
  g.TextEncoder = class {
    encode(text = ''): Uint8Array {
      const utf8 = unescape(encodeURIComponent(text));
      const out = new Uint8Array(utf8.length);
      for (let i = 0; i < utf8.length; i++) out[i] = utf8.charCodeAt(i);
      return out;
    }
  };
}

if (typeof g.TextDecoder !== 'function') {
  g.TextDecoder = class {
    decode(bytes?: Uint8Array): string {
      if (!bytes) return '';
      let binary = '';
      for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
      return decodeURIComponent(escape(binary));
    }
  };
}

if (typeof g.AbortController !== 'function') {
  class SmokeAbortSignal {
    aborted = false;
    reason: unknown = undefined;
    #listeners: Listener[] = [];
    addEventListener(_type: string, listener: Listener): void {
      this.#listeners.push(listener);
    }
    removeEventListener(_type: string, listener: Listener): void {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    }
    throwIfAborted(): void {
      if (this.aborted) throw this.reason;
    }
    fire(reason: unknown): void {
      if (this.aborted) return;
      this.aborted = true;
      this.reason = reason;
      for (const listener of this.#listeners) listener();
    }
  }
  g.AbortSignal = SmokeAbortSignal;
  g.AbortController = class {
    signal = new SmokeAbortSignal();
    abort(reason?: unknown): void {
      this.signal.fire(reason ?? new Error('aborted'));
    }
  };
}

if (typeof g.URL !== 'function') {
  g.URL = class {
    href: string;
    username = '';
    password = '';
    hash = '';
    protocol: string;
    hostname: string;
    port: string;
    host: string;
    origin: string;
    pathname: string;
    search: string;
    searchParams: { set(name: string, value: string): void };
    constructor(input: string | { href: string }) {
      const text = typeof input === 'string' ? input : input.href;
      const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/:?#]+)(?::(\d+))?([^?#]*)(\?[^#]*)?$/i.exec(text);
      if (!match) throw new TypeError('Invalid URL');
      this.protocol = match[1]!.toLowerCase();
      this.hostname = match[2]!.toLowerCase();
      this.port = match[3] ?? '';
      this.host = this.port ? `${this.hostname}:${this.port}` : this.hostname;
      this.origin = `${this.protocol}//${this.host}`;
      this.pathname = match[4] || '/';
      this.search = match[5] ?? '';
      this.href = `${this.origin}${this.pathname}${this.search}`;
      this.searchParams = {
        set: (name, value) => {
          const pairs = this.search.replace(/^\?/, '').split('&').filter((p) => p && !p.startsWith(`${name}=`));
          pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
          this.search = `?${pairs.join('&')}`;
          this.href = `${this.origin}${this.pathname}${this.search}`;
        },
      };
    }
    toString(): string {
      return this.href;
    }
  };
}

if (typeof g.crypto !== 'object') {
  // Test-only randomness: an app gets real randomness from react-native-get-random-values.
  g.crypto = {
    getRandomValues<T extends Uint8Array>(array: T): T {
      for (let i = 0; i < array.length; i++) array[i] = Math.floor(Math.random() * 256);
      return array;
    },
  };
}

export {};
