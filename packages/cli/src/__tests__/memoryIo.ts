import type { CliIo } from '../cliIo';

/** A command's terminal kept in memory: what it printed to stdout and stderr, not a TTY. */
export function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  return io;
}
