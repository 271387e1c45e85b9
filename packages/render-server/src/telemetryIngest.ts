import { Hono } from 'hono';
import { readBody } from './readBody';
import type { TelemetryAggregateStore } from './telemetryAggregateStore';

/** A day's report is a few kilobytes; anything much larger is not one. */
const maxReportBytes = 32 * 1024;

/**
 * The telemetry ingest routes, mounted by `createRenderServer` when given a store:
 *
 * - `POST /v1/telemetry`: one JSON report (the SDK's `TelemetryReport`), 202 when counted, 400
 *   when it is not a valid report, 413 when too large. Anonymous by design: no API key, no
 *   client address or header is read or logged.
 * - `GET /v1/telemetry/aggregates?day=YYYY-MM-DD`: the stored cells, every one with at least k
 *   reports.
 *
 * @public
 */
export function telemetryIngestRoutes(store: TelemetryAggregateStore): Hono {
  const app = new Hono();
  app.post('/v1/telemetry', async (c) => {
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return c.json({ error: 'unsupported_media_type' }, 415);
    const body = await readBody(c.req.raw.body, maxReportBytes, Number(c.req.header('content-length') ?? 0));
    if (body === undefined) return c.json({ error: 'payload_too_large' }, 413);
    let report: unknown;
    try {
      report = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      return c.json({ error: 'invalid_report' }, 400);
    }
    return store.ingest(report) ? c.body(null, 202) : c.json({ error: 'invalid_report' }, 400);
  });
  app.get('/v1/telemetry/aggregates', (c) => {
    const day = c.req.query('day');
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) return c.json({ error: 'invalid_day' }, 400);
    return c.json({ k: store.k, cells: store.cells(day) });
  });
  return app;
}
