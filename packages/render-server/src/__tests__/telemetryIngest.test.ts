import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryReport, VopopPlatform } from '@vopop/core';
import { createReceiptSigner } from '../receiptSigner';
import { createRenderServer } from '../createRenderServer';
import { listenRenderServer } from '../listenRenderServer';
import { TelemetryAggregateStore } from '../telemetryAggregateStore';

// The ingest endpoint on the reference server, under concurrent load over loopback HTTP, against
// the real SQLite file: aggregates are exact, and no cell that fewer than k reports contributed to
// is ever in the file or in an answer.

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function report(outcome: TelemetryReport['outcomes'][number]['outcome'], count: number): TelemetryReport {
  return {
    schema: 'vopop.telemetry/1',
    day: '2026-12-03',
    sdkVersion: '0.1',
    platform: 'web',
    platformVersion: '131',
    outcomes: [{ outcome, count }],
    stageDurations: [{ stage: 'decode', duration: 'under-100ms', count }],
    photoSizes: [],
    features: [{ feature: 'share', yes: 3, no: 7, truthProbability: 0.75 }],
  };
}

/** Rows of the file as an independent SQLite (Python's sqlite3) reads them. */
function rowsInFile(file: string): [string, string, number, number][] {
  const script =
    'import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); ' +
    'print(json.dumps(c.execute("select kind, key, count, reports from telemetry_cells order by kind, key").fetchall()))';
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as [string, string, number, number][];
}

async function serve(k: number) {
  const folder = mkdtempSync(join(tmpdir(), 'vopop-telemetry-'));
  folders.push(folder);
  const file = join(folder, 'telemetry.sqlite');
  const store = new TelemetryAggregateStore({ file, k });
  // The ingest needs no rendering platform; the server is built as in production otherwise.
  const server = createRenderServer({ platform: {} as VopopPlatform, signer: await createReceiptSigner(), apiKeys: {}, telemetry: store });
  const listening = await listenRenderServer(server, { port: 0 });
  const post = (body: unknown) =>
    fetch(`${listening.url}/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { file, store, listening, post };
}

describe('telemetry ingest (k-threshold, SQLite)', () => {
  it('under concurrent load keeps exact sums and never stores or shows a cell under k', async () => {
    const k = 5;
    const { file, store, listening, post } = await serve(k);
    try {
      const reports = [
        ...Array.from({ length: 120 }, (_, i) => report('OK', 1 + (i % 7))),
        ...Array.from({ length: k - 1 }, () => report('NO_FACE', 2)), // one short of k
        ...Array.from({ length: k }, () => report('IMAGE_DECODE', 3)), // exactly k
      ];
      const answers = await Promise.all(reports.map((r) => post(r)));
      expect(answers.map((a) => a.status)).toEqual(reports.map(() => 202));

      const okSum = Array.from({ length: 120 }, (_, i) => 1 + (i % 7)).reduce((a, b) => a + b, 0);
      const decodeSum = okSum + (k - 1) * 2 + k * 3;
      expect(rowsInFile(file)).toEqual([
        ['client', 'web 131 sdk 0.1', reports.length, reports.length],
        ['feature', 'share p=0.75', 10 * reports.length, reports.length],
        ['outcome', 'IMAGE_DECODE', 3 * k, k],
        ['outcome', 'OK', okSum, 120],
        ['stage', 'decode under-100ms', decodeSum, reports.length],
      ]);
      const shown = (await (await fetch(`${listening.url}/v1/telemetry/aggregates?day=2026-12-03`)).json()) as {
        k: number;
        cells: { key: string; reports: number }[];
      };
      expect(shown.k).toBe(k);
      expect(shown.cells.map((c) => c.key)).not.toContain('NO_FACE');
      expect(Math.min(...shown.cells.map((c) => c.reports))).toBeGreaterThanOrEqual(k);
    } finally {
      await listening.close();
      store.close();
    }
  }, 60_000);

  it('control: the same rare cell is stored once its k-th report arrives (the check sees rare cells)', async () => {
    const { file, store, listening, post } = await serve(3);
    try {
      for (const r of Array.from({ length: 3 }, () => report('NO_FACE', 2))) expect((await post(r)).status).toBe(202);
      expect(rowsInFile(file).find((row) => row[1] === 'NO_FACE')).toEqual(['outcome', 'NO_FACE', 6, 3]);
    } finally {
      await listening.close();
      store.close();
    }
  });

  it.each([
    ['an identifier added', { ...report('OK', 1), installId: 'abc123' }],
    ['a fine timestamp', { ...report('OK', 1), day: '2026-12-03T09:41:17Z' }],
    ['a full version', { ...report('OK', 1), sdkVersion: '0.1.3' }],
  ])('refuses a report with %s (400) and counts nothing', async (_name, body) => {
    const { file, store, listening, post } = await serve(2);
    try {
      expect((await post(body)).status).toBe(400);
      expect((await post(body)).status).toBe(400);
      expect(rowsInFile(file)).toEqual([]);
    } finally {
      await listening.close();
      store.close();
    }
  });
});
