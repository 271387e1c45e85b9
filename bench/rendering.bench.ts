/**
 * Rendering alone: the full 3 s 720×1280 30 fps render against real time, and whether memory
 * grows with the video's length (peak RSS of a 3 s against a 30 s render, each in a fresh
 * process so that peaks do not mix).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type BenchSection, type BenchSuite, ratio, table } from './harness';
import { repoRoot } from './pipelineKit';

interface ChildResult {
  seconds: number;
  renderMs: number;
  peakRssMiB: number;
  frames: number;
}

function renderInChild(seconds: number): ChildResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'bench', 'renderChild.ts'), String(seconds)],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

const suite: BenchSuite = async () => {
  const runs3 = [renderInChild(3), renderInChild(3), renderInChild(3)].sort((a, b) => a.renderMs - b.renderMs);
  const short = runs3[1]!;
  const long = renderInChild(30);
  const sections: BenchSection[] = [
    {
      title: 'Rendering: real time and memory against length',
      markdown: `
The render stage only (photo already decoded, face detected), default template stretched to the
length shown, 720×1280 at 30 fps, H.264; each case in a fresh Node process. Peak RSS is the
process's high-water mark (\`maxRSS\`), which includes the loaded models and encoder.

${table(
  ['clip', 'frames', 'render ms', 'real-time ratio (video s / wall s)', 'peak RSS MiB'],
  [short, long].map((r) => [
    `${r.seconds} s`,
    String(r.frames),
    r.renderMs.toFixed(0),
    ((r.seconds * 1000) / r.renderMs).toFixed(2),
    r.peakRssMiB.toFixed(0),
  ]),
)}

- Peak RSS, 30 s / 3 s: **${ratio(long.peakRssMiB, short.peakRssMiB)}** (goal ≤ 1.2: frames stream
  through one reused buffer into the encoder; only the compressed output grows).
- 3 s render, median of 3 processes: ${short.renderMs.toFixed(0)} ms (goal < 3000 ms).`,
    },
  ];
  return sections;
};

export default suite;
