#!/usr/bin/env node
/**
 * The `vopop` executable: runs the command line (`main.ts`) in a process whose freed native memory
 * is overwritten.
 *
 * Why: the native H.264 encoder frees its packet buffers on its own thread, through glibc, which
 * leaves freed blocks as they were. One copy of the encoded video therefore outlives the purge in
 * freed memory that no JavaScript can reach (docs/encoding.md, "Privacy"). glibc's
 * `malloc.perturb` tunable overwrites every block as it is freed, which removes that copy — at
 * about 7 % of a generation's time. Tunables are read only when a process starts, so the command
 * starts itself once more with the setting, waits, and passes on its exit status.
 */
import { spawn } from 'node:child_process';
import { perturbTunable, workerTunables } from './workerTunables';

/** Names the waiting parent in the worker's environment, so the worker can tell it has gone. */
const parentVariable = 'VOPOP_CLI_PARENT_PID';

const tunables = process.env.GLIBC_TUNABLES ?? '';
// Linux only; a C library other than glibc (musl) ignores the variable, at the cost of one start.
if (!tunables.includes(perturbTunable) && process.platform === 'linux') {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      GLIBC_TUNABLES: workerTunables(process.argv.slice(2), tunables),
      [parentVariable]: String(process.pid),
    },
  });
  // A signal meant for `vopop` is passed on, so the worker aborts and purges and this process
  // exits with its status once it has (a container runtime stops its first process with SIGTERM
  // and kills the rest when that one ends). Ctrl-C reaches both processes already (one process
  // group); the worker ignores a second SIGINT while it cleans up, so passing it on is harmless.
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const name of forwarded) process.on(name, () => child.kill(name));
  child.once('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(`vopop: could not start (${error.code ?? 'spawn failed'})\n`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    if (signal) {
      for (const name of forwarded) process.removeAllListeners(name);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
} else {
  const parent = Number(process.env[parentVariable]);
  if (Number.isInteger(parent) && parent > 0) {
    // The parent only waits; if it is killed (SIGKILL: nothing to pass on) the caller has seen the run end,
    // so the worker must not go on holding the photo or write a video nobody waits for. Linux
    // re-parents an orphan, which changes its ppid: then stop as Ctrl-C would (abort, purge, 130).
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      process.kill(process.pid, 'SIGINT');
    }, 100);
    watch.unref();
  }
  await import('./main');
}
