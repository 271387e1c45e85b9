/**
 * The glibc tunables `vopop` starts its worker process with (see bin.ts).
 *
 * - `malloc.perturb` for every command: freed native blocks are overwritten, so the encoder's
 *   packet buffers do not outlive the purge in freed memory (docs/encoding.md, "Privacy").
 * - `malloc.mmap_threshold` for `vopop serve` as well: every native block from 128 KiB up (frame
 *   copies, the encoder's frame buffers) is its own mapping, given back to the kernel when freed.
 *   Without it glibc raises its threshold after the first such block is freed and keeps later
 *   frames in its heaps, where a long-running server's resident memory grows by about 1.3 MiB per
 *   render and freed frame copies stay readable in the process (docs/reliability.md, "Soak"). It
 *   costs about 20 % CPU, worth it for a server, not for a one-shot `generate`.
 */

/** The tunable whose presence tells the worker from the first process. */
export const perturbTunable = 'glibc.malloc.perturb';

const perturbSetting = `${perturbTunable}=165`;
const mmapThresholdSetting = 'glibc.malloc.mmap_threshold=131072';

/**
 * The `GLIBC_TUNABLES` value for the worker of `vopop <args>`, given the caller's own value (kept,
 * after ours: glibc splits the variable in place at ':' while parsing it, so ours go first).
 */
export function workerTunables(args: readonly string[], inherited: string): string {
  const command = args.find((arg) => !arg.startsWith('-'));
  const ours = command === 'serve' ? `${perturbSetting}:${mmapThresholdSetting}` : perturbSetting;
  return inherited ? `${ours}:${inherited}` : ours;
}
