import type { GenerationProgress } from '@vopop/core';
import type { CliIo } from './cliIo';

const width = 24;

/**
 * A one-line progress bar on an interactive stderr; silent elsewhere (pipes, CI, `--json`), so
 * that logs are not filled with carriage returns.
 */
export function progressBar(io: CliIo, enabled: boolean): {
  update: (progress: GenerationProgress) => void;
  done: () => void;
} {
  let drawn = false;
  return {
    update: ({ stage, fraction }) => {
      if (!enabled) return;
      const filled = Math.round(fraction * width);
      io.stderr(`\r${stage.padEnd(7)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`);
      drawn = true;
    },
    done: () => {
      if (drawn) io.stderr('\r\u001b[2K');
    },
  };
}
