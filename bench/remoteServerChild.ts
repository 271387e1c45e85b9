/**
 * The reference render server in its own process for `pnpm bench remote`, so that its RSS is
 * its own. Configuration comes as JSON in argv; it prints `{"port":N}` once listening and exits
 * on SIGTERM.
 */
import { createNodePlatform, parseTemplate } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '../packages/render-server/src/index';

interface ChildConfig {
  readonly apiKey: string;
  readonly templates: readonly unknown[];
  readonly maxConcurrent: number;
  readonly maxWaiting: number;
  readonly maxWaitMs: number;
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const platform = await createNodePlatform();
const signer = await createReceiptSigner();
const server = createRenderServer({
  platform,
  signer,
  apiKeys: { [config.apiKey]: 'bench' },
  templates: config.templates.map((t) => parseTemplate(t)),
  maxConcurrent: config.maxConcurrent,
  maxWaiting: config.maxWaiting,
  maxWaitMs: config.maxWaitMs,
  rateLimit: { perMinute: 1_000_000, burst: 1_000 },
});
const listening = await listenRenderServer(server, { port: 0 });
process.stdout.write(`${JSON.stringify({ port: listening.port, jwk: signer.publicKey })}\n`);
process.once('SIGTERM', () => {
  void listening.close(0).then(() => process.exit(0));
});
