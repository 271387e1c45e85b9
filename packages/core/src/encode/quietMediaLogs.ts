import { LogLevel, Logging } from 'mediabunny';

let depth = 0;
let saved: LogLevel = LogLevel.Silent;

/**
 * Silence mediabunny's console output until the returned function is called. Reading a broken
 * file makes mediabunny print its parse errors, stack and all, to the console (a malformed
 * `avcC` box prints "Error deserializing AVC Decoder Configuration Record" before the typed
 * error is even thrown); the SDK reports the failure as its own typed error instead, and never
 * writes to the app's console. Nested and overlapping calls are counted, and the app's own
 * level is restored when the last one ends.
 *
 * @internal
 */
export function quietMediaLogs(): () => void {
  if (depth++ === 0) {
    saved = Logging.level;
    Logging.level = LogLevel.Silent;
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--depth === 0) Logging.level = saved;
  };
}
