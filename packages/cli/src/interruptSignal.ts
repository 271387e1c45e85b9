/**
 * Ctrl-C for a whole `vopop` run, installed before any command starts work.
 *
 * The first SIGINT (or SIGTERM) aborts the returned signal: every stage stops at its next check (a file read
 * between chunks, a generation between frames), everything held is purged, and the run exits
 * with 130. Further presses while that cleanup runs are ignored rather than killing the process
 * halfway through a wipe; the cleanup is short because every read is bounded and abortable
 * (Ctrl-\ still ends the process at once).
 */
export interface InterruptSignal {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Stop listening (the process's default SIGINT behaviour returns). */
  readonly dispose: () => void;
}

/**
 * SIGTERM (a service manager or container runtime stopping the run, passed on by `bin.ts`) is
 * treated as Ctrl-C: dying at once would skip the purge.
 */
const interrupts = ['SIGINT', 'SIGTERM'] as const;

/** The abort reason of an {@link InterruptSignal}: which signal stopped the run. */
export class InterruptedError extends Error {
  constructor(readonly signalName: NodeJS.Signals) {
    super(`interrupted (${signalName})`);
    this.name = 'InterruptedError';
  }
}

/** Listen for SIGINT and SIGTERM on this process; see {@link InterruptSignal}. */
export function listenForInterrupt(): InterruptSignal {
  const controller = new AbortController();
  const onInterrupt = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) controller.abort(new InterruptedError(name));
  };
  for (const name of interrupts) process.on(name, onInterrupt);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of interrupts) process.removeListener(name, onInterrupt);
    },
  };
}
