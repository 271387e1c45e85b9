/**
 * Keep Node's event loop alive until the returned release function is called.
 *
 * Why: `@napi-rs/webcodecs` 1.3.1 delivers `VideoDecoder` output from native threads without
 * holding a reference on the event loop. While a decode is awaited and nothing else is pending
 * (a CLI, a script, a bench), Node sees an empty loop and exits mid-decode with code 13
 * ("unsettled top-level await"), silently dropping the rest of the video. A referenced timer
 * that never fires holds the loop for exactly as long as the work runs.
 *
 * @internal
 */
export function holdEventLoop(): () => void {
  // The longest delay Node accepts; the callback never needs to run.
  const timer = setInterval(() => undefined, 2 ** 31 - 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(timer);
  };
}
