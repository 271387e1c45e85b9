/**
 * Remote rendering on loopback against the local pipeline, in the same run: the reference render
 * server in its own process, clients in this one (each generation detects and aligns here, sends
 * the crop, verifies the receipt). Bounded in count and time:
 * - throughput and p50/p99 latency at 1, 2, 4 and 8 concurrent clients, and the local pipeline;
 * - beyond capacity (one slot, no waiting room), a burst of 16: only 200s and 503s, no crash;
 * - the server's RSS over 200 jobs of a small template.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReceiptPublicKey } from '@vopop/node-adapter';
import { builtInTemplates, createNodePlatform, generateVideo, RemoteRenderer } from '@vopop/node-adapter';
import { type BenchSection, type BenchSuite, ms, table } from './harness';
import { consent, defaultTemplate, samplePhoto, slope } from './pipelineKit';

const here = dirname(fileURLToPath(import.meta.url));
const apiKey = 'bench-key-0123456789abcdef';

/** One second of the default template at full size: long enough to be real work, short enough for 40 runs. */
const template = defaultTemplate(1);
/** A small template for the 200-job memory run. */
const tiny = {
  ...builtInTemplates[0]!,
  id: 'bench-tiny',
  width: 128,
  height: 160,
  fps: 10,
  frameCount: 6,
  faceTrack: {
    kind: 'keyframes',
    interpolation: 'linear',
    keyframes: [
      { frame: 0, x: 64, y: 80, scale: 70, angle: -5 },
      { frame: 5, x: 64, y: 78, scale: 90, angle: 5 },
    ],
  },
};

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly jwk: ReceiptPublicKey;
  rssMiB(): number;
  stop(): Promise<void>;
}

async function startServer(limits: { maxConcurrent: number; maxWaiting: number; maxWaitMs: number }): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'remoteServerChild.ts'), JSON.stringify({ apiKey, templates: [template, tiny], ...limits })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`render server exited ${code}`)));
  });
  const { port, jwk } = JSON.parse(first) as { port: number; jwk: ReceiptPublicKey };
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    jwk,
    rssMiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Run `jobs` tasks with `concurrency` in flight; latencies and wall time. */
async function drive(jobs: number, concurrency: number, task: () => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs) {
        next++;
        const t0 = performance.now();
        await task();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { jobs, wall, perSecond: (jobs * 1000) / wall, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const suite: BenchSuite = async () => {
  await using platform = await createNodePlatform();
  const sections: BenchSection[] = [];

  // Throughput and latency: the local pipeline, then 1, 2, 4, 8 remote clients.
  const server = await startServer({ maxConcurrent: 2, maxWaiting: 16, maxWaitMs: 120_000 });
  const rows: string[][] = [];
  try {
    const remote = new RemoteRenderer({ endpoint: server.url, apiKey, receiptKeys: [server.jwk], timeoutMs: 300_000 });
    const remoteConsent = { ...consent, processing: 'remote-service', remoteOrigins: [server.url] } as const;
    const local = async () => (await generateVideo({ photo: samplePhoto(), consent, template }, platform)).video.purge();
    const viaServer = async () =>
      (await generateVideo({ photo: samplePhoto(), consent: remoteConsent, template }, { ...platform, renderer: remote })).video.purge();
    await local(); // warm-up: first inference, encoder start-up
    await viaServer();
    const base = await drive(6, 1, local);
    rows.push(['local pipeline', '1', String(base.jobs), base.perSecond.toFixed(2), ms(base.p50), ms(base.p99), '1.00×']);
    for (const clients of [1, 2, 4, 8]) {
      const run = await drive(Math.max(6, 2 * clients), clients, viaServer);
      rows.push([
        'remote, loopback',
        String(clients),
        String(run.jobs),
        run.perSecond.toFixed(2),
        ms(run.p50),
        ms(run.p99),
        `${(run.perSecond / base.perSecond).toFixed(2)}×`,
      ]);
    }
  } finally {
    await server.stop();
  }
  sections.push({
    title: 'Remote rendering on loopback against the local pipeline',
    markdown: `
Photo → ${template.frameCount}-frame ${template.width}×${template.height} video (the default template cut to 1 s).
Remote: the reference render server in its own process (2 jobs at a time, the rest wait); each
client generation detects and aligns in this process, sends the 512×512 crop, verifies the
receipt. Everything shares this machine's cores, so the remote rows measure the protocol's
overhead and the server's queueing, not a remote machine's speed. With 6–16 jobs a row, p99 is
the slowest job.

${table(['mode', 'clients', 'jobs', 'jobs/s', 'p50 (ms)', 'p99 (ms)', 'throughput vs local'], rows)}
`,
  });

  // Beyond capacity: one slot, no waiting room, a burst of 16 raw crop requests.
  const crop = await captureCrop(platform);
  const small = await startServer({ maxConcurrent: 1, maxWaiting: 0, maxWaitMs: 0 });
  let statuses: Record<string, number> = {};
  let alive = false;
  try {
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => postCrop(small.url, crop, tiny.id, i)));
    statuses = answers.reduce<Record<string, number>>((counts, s) => ({ ...counts, [s]: (counts[s] ?? 0) + 1 }), {});
    alive = (await fetch(`${small.url}/health`)).ok;
  } finally {
    await small.stop();
  }

  // Memory: 200 jobs, two at a time, RSS every 25.
  const soak = await startServer({ maxConcurrent: 2, maxWaiting: 4, maxWaitMs: 60_000 });
  const rss: number[] = [];
  let failures = 0;
  try {
    for (let i = 0; i < 10; i++) await postCrop(soak.url, crop, tiny.id, i); // warm-up
    rss.push(soak.rssMiB());
    for (let done = 0; done < 200; done += 25) {
      const batch = await Promise.all(
        Array.from({ length: 2 }, async (_, lane) => {
          const statuses: number[] = [];
          for (let j = lane; j < 25; j += 2) statuses.push(await postCrop(soak.url, crop, tiny.id, done + j));
          return statuses;
        }),
      );
      failures += batch.flat().filter((s) => s !== 200).length;
      rss.push(soak.rssMiB());
    }
  } finally {
    await soak.stop();
  }
  const growth = slope(rss) * 4; // per 100 jobs (samples are 25 apart)
  sections.push({
    title: 'Remote server: overload and memory',
    markdown: `
Beyond capacity (one slot, no waiting room), 16 requests at once: ${Object.entries(statuses)
      .map(([s, n]) => `${n} × ${s}`)
      .join(', ')}; the server ${alive ? 'answered /health afterwards' : 'did **not** answer /health afterwards'}.

Server RSS over 200 jobs of a ${tiny.width}×${tiny.height}, ${tiny.frameCount}-frame template (after 10 warm-up jobs; ${failures} non-200 answers):

${table(['jobs', ...rss.map((_, i) => String(i * 25))], [['RSS (MiB)', ...rss.map((v) => v.toFixed(0))]])}

Least-squares growth: ${growth.toFixed(1)} MiB per 100 jobs.
`,
  });
  return sections;
};

/** The crop a real client sends for the sample photo, captured through an injected fetch. */
async function captureCrop(platform: Awaited<ReturnType<typeof createNodePlatform>>): Promise<Uint8Array> {
  let body: Uint8Array | undefined;
  const renderer = new RemoteRenderer({
    endpoint: 'http://127.0.0.1:9',
    apiKey,
    receiptKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'unused' }],
    retry: { maxAttempts: 1 },
    fetch: async (_url, init) => {
      body = new Uint8Array(init!.body as Uint8Array);
      return new Response('{}', { status: 503 });
    },
  });
  const remoteConsent = { ...consent, processing: 'remote-service', remoteOrigins: ['http://127.0.0.1:9'] } as const;
  await generateVideo({ photo: samplePhoto(), consent: remoteConsent, template: tiny }, { ...platform, renderer }).catch(() => undefined);
  return body!;
}

async function postCrop(url: string, crop: Uint8Array, templateId: string, i: number): Promise<number> {
  const response = await fetch(`${url}/v1/renders?template=${templateId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': `bench-${i}-0123456789abcdef`, 'content-type': 'image/png' },
    body: crop.slice() as Uint8Array<ArrayBuffer>,
  });
  await response.arrayBuffer();
  return response.status;
}

export default suite;
