import { describe, expect, it } from 'vitest';
import { workerTunables } from '../workerTunables';

describe('the worker process’s glibc tunables', () => {
  it('overwrite freed memory for every command', () => {
    expect(workerTunables(['generate', 'me.jpg', '--consent'], '')).toBe('glibc.malloc.perturb=165');
    expect(workerTunables(['template', 'build', 'clip.mp4'], '')).toBe('glibc.malloc.perturb=165');
  });

  it('keep frame-sized blocks in their own mappings for the long-running server', () => {
    expect(workerTunables(['serve', '--port', '0'], '')).toBe('glibc.malloc.perturb=165:glibc.malloc.mmap_threshold=131072');
    expect(workerTunables(['--json', 'serve'], '')).toContain('glibc.malloc.mmap_threshold=131072');
    // An option's value named like the command is not the command.
    expect(workerTunables(['generate', 'serve', '--consent'], '')).not.toContain('mmap_threshold');
  });

  it('put ours first and keep the caller’s own', () => {
    expect(workerTunables(['serve'], 'glibc.malloc.tcache_count=7')).toBe(
      'glibc.malloc.perturb=165:glibc.malloc.mmap_threshold=131072:glibc.malloc.tcache_count=7',
    );
  });
});
