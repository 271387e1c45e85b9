import type { TelemetryReport } from '../telemetry/telemetryReport';

/**
 * Where a day's telemetry report goes: the app's own transport (an HTTPS POST to its ingest
 * endpoint, ideally through a relay that drops the client's address). The SDK opens no connection
 * of its own; with telemetry off this is never called.
 *
 * @public
 */
export interface TelemetrySink {
  /** Deliver one report. A rejection keeps the counts on the device for the next attempt. */
  send(report: TelemetryReport): Promise<void>;
}
