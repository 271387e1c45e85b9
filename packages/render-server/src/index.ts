/**
 * `@vopop/render-server`: the reference remote renderer. Stateless (one request renders and
 * returns the video), every job in its own ephemeral scope, and a signed deletion receipt with
 * every answer (P5).
 *
 * @packageDocumentation
 */
export { createRenderServer } from './createRenderServer';
export type { RenderServer, RenderServerEnv, RenderServerLogEvent, RenderServerOptions } from './createRenderServer';
export { listenRenderServer } from './listenRenderServer';
export type { RenderServerCorsOptions } from './renderServerCors';
export type { ListeningRenderServer } from './listenRenderServer';
export { ServerListenError } from './serverListenError';
export type { ServerListenFailure } from './serverListenError';
export { createReceiptSigner } from './receiptSigner';
export type { ReceiptSigner } from './receiptSigner';
export { renderJob } from './renderJob';
export type { RenderJobInput, RenderJobLimits, RenderJobOutcome } from './renderJob';
export { Admission } from './admission';
export { RateLimiter } from './rateLimiter';
export { TelemetryAggregateStore } from './telemetryAggregateStore';
export type { TelemetryCell } from './telemetryAggregateStore';
export { telemetryIngestRoutes } from './telemetryIngest';
