/**
 * Ctrl-C for a whole `vopop` run, installed before any command starts work.
 *
 * The first SIGINT aborts the returned signal: every stage stops at its next check (a file read
 * between chunks, a generation between frames), everything held is purged, and the run exits
 * with 130. Further presses while that cleanup runs are ignored rather than killing the process
 * halfway through a wipe; the cleanup is short because every read is bounded and abortable
 * (Ctrl-\ still ends the process at once).
 */
export interface InterruptSignal {
  /** Aborted by the first SIGINT. */
  readonly signal: AbortSignal;
  /** Stop listening (the process's default SIGINT behaviour returns). */
  readonly dispose: () => void;
}

/** Listen for SIGINT on this process; see {@link InterruptSignal}. */
export function listenForInterrupt(): InterruptSignal {
  const controller = new AbortController();
  const onSigint = () => {
    if (!controller.signal.aborted) controller.abort(new Error('interrupted (SIGINT)'));
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}
