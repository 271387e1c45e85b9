#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createNodePlatform } from '@vopop/node-adapter';
import { createRenderServer } from './createRenderServer';
import { listenRenderServer } from './listenRenderServer';
import { createReceiptSigner } from './receiptSigner';

// Configuration comes from the environment only, so a container needs no files but the key.
//   VOPOP_API_KEYS          comma-separated `name:key` pairs (required)
//   VOPOP_RECEIPT_KEY_FILE  an Ed25519 private JWK (JSON); without it a key is generated per process
//   VOPOP_HOST, VOPOP_PORT  default 127.0.0.1:8787
//   VOPOP_MAX_CONCURRENT    default 2
//   VOPOP_BUILD_ID          named in receipts
//   VOPOP_CORS_ORIGINS      comma-separated web app origins allowed to call from a browser; default none
const env = process.env;
const apiKeys: Record<string, string> = {};
for (const pair of (env.VOPOP_API_KEYS ?? '').split(',').filter(Boolean)) {
  const at = pair.indexOf(':');
  if (at > 0) apiKeys[pair.slice(at + 1)] = pair.slice(0, at);
}
if (Object.keys(apiKeys).length === 0) {
  process.stderr.write('vopop-render-server: set VOPOP_API_KEYS to comma-separated name:key pairs (keys of 16+ characters).\n');
  process.exit(2);
}
const signer = await createReceiptSigner(
  env.VOPOP_RECEIPT_KEY_FILE ? (JSON.parse(readFileSync(env.VOPOP_RECEIPT_KEY_FILE, 'utf8')) as JsonWebKey) : undefined,
);
const platform = await createNodePlatform();
const server = createRenderServer({
  platform,
  signer,
  apiKeys,
  maxConcurrent: Number(env.VOPOP_MAX_CONCURRENT ?? 2),
  buildId: env.VOPOP_BUILD_ID ?? 'dev',
  ...(env.VOPOP_CORS_ORIGINS ? { cors: { allowedOrigins: env.VOPOP_CORS_ORIGINS.split(',').map((origin) => origin.trim()) } } : {}),
  log: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
});
const listening = await listenRenderServer(server, {
  port: Number(env.VOPOP_PORT ?? 8787),
  hostname: env.VOPOP_HOST ?? '127.0.0.1',
});
process.stdout.write(`${JSON.stringify({ event: 'listening', url: listening.url, kid: signer.publicKey.kid })}\n`);
const stop = () => {
  void listening.close().then(async () => {
    await platform[Symbol.asyncDispose]();
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
