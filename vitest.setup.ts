import { afterEach, beforeEach, vi } from 'vitest';

// A test that writes to the console is either printing instead of asserting, or exercising a
// code path that is noisy for SDK users. Either way it fails. Tests that expect output (the
// default leak reporter) replace the method themselves with vi.spyOn(...).mockImplementation.
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
const calls: string[] = [];

beforeEach(() => {
  calls.length = 0;
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      calls.push(`console.${method}: ${args.map(String).join(' ').slice(0, 200)}`);
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  if (calls.length > 0) {
    const written = calls.splice(0).join('\n');
    throw new Error(`This test wrote to the console:\n${written}`);
  }
});
