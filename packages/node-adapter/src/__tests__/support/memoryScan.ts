/**
 * Memory forensics for P3: read another process's whole address space through
 * /proc/<pid>/maps and /proc/<pid>/mem and count the places where a byte pattern occurs.
 *
 * Needs permission to trace the process (root, or a child under ptrace_scope ≤ 1).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** One readable mapping of the target process. */
export interface MemoryRegion {
  readonly start: bigint;
  readonly end: bigint;
  readonly perms: string;
  readonly name: string;
}

/** Where a pattern was found. */
export interface PatternHit {
  readonly pattern: string;
  readonly address: bigint;
  readonly region: string;
}

export function readableRegions(pid: number): MemoryRegion[] {
  const regions: MemoryRegion[] = [];
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, start, end, perms, name = ''] = match;
    if (!perms!.startsWith('r')) continue;
    // Kernel-provided pages cannot be read through /proc/<pid>/mem.
    if (name === '[vvar]' || name === '[vsyscall]' || name === '[vvar_vclock]') continue;
    regions.push({ start: BigInt(`0x${start}`), end: BigInt(`0x${end}`), perms: perms!, name });
  }
  return regions;
}

/**
 * Scan every readable region of `pid` for each pattern. Reads in chunks that overlap by the
 * longest pattern's length, so a copy straddling a chunk boundary is still found.
 */
export function scanProcessMemory(
  pid: number,
  patterns: Readonly<Record<string, Uint8Array>>,
): { hits: PatternHit[]; bytesScanned: number; regions: number } {
  const entries = Object.entries(patterns).map(([name, bytes]) => [name, Buffer.from(bytes)] as const);
  const overlap = Math.max(...entries.map(([, bytes]) => bytes.length)) - 1;
  const chunkSize = 8 << 20;
  const chunk = Buffer.alloc(chunkSize + overlap);
  const hits: PatternHit[] = [];
  let bytesScanned = 0;
  const regions = readableRegions(pid);
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const region of regions) {
      for (let at = region.start; at < region.end; at += BigInt(chunkSize)) {
        const wanted = Number(
          (region.end - at < BigInt(chunkSize + overlap) ? region.end - at : BigInt(chunkSize + overlap)),
        );
        let read = 0;
        try {
          read = readSync(fd, chunk, 0, wanted, at);
        } catch {
          break; // unreadable (guard pages, races with munmap): nothing there to find
        }
        bytesScanned += Math.min(read, chunkSize);
        const view = chunk.subarray(0, read);
        for (const [name, bytes] of entries) {
          for (let i = view.indexOf(bytes); i >= 0; i = view.indexOf(bytes, i + 1)) {
            // Hits inside the overlap are found again by the next chunk; count them there.
            if (i >= chunkSize && at + BigInt(chunkSize) < region.end) break;
            hits.push({ pattern: name, address: at + BigInt(i), region: `${region.perms} ${region.name}`.trim() });
          }
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { hits, bytesScanned, regions: regions.length };
}
