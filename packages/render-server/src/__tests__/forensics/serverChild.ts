/**
 * The render server as a separate process for the server-side P3 scan: it serves on loopback,
 * then on `gc` from the parent collects garbage and answers, so the parent can read its memory.
 * `{"wipe":false}` (the control) replaces every wiper with one that keeps the value, unwiped and
 * referenced: a server that retains what it was sent, which the scan must catch.
 */
import { createInterface } from 'node:readline';
import type { Wiper } from '@vopop/core';
import { WiperRegistry } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import { tinyTemplate } from '../support/remoteTestKit';

const args = JSON.parse(process.argv[2] ?? '{}') as { wipe?: boolean; apiKey: string };
const say = (message: object) => process.stdout.write(`P3SERVER ${JSON.stringify(message)}\n`);

const retained: unknown[] = [];
const keepEverything: Wiper = {
  name: 'keep-everything',
  matches: (_value): _value is unknown => true,
  measure: () => 0,
  wipe: (value) => {
    retained.push(value);
    return { method: 'none', bytes: 0, verified: null };
  },
};

const platform = await createNodePlatform();
const server = createRenderServer({
  platform: args.wipe === false ? { ...platform, wipers: new WiperRegistry([keepEverything]) } : platform,
  signer: await createReceiptSigner(),
  apiKeys: { [args.apiKey]: 'p3' },
  templates: [tinyTemplate],
  rateLimit: { perMinute: 6000, burst: 100 },
});
const listening = await listenRenderServer(server, { port: 0 });
say({ port: listening.port });

const gc = (globalThis as { gc?: () => void }).gc!;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'gc') {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    say({ gc: true });
  } else if (line === 'done') {
    await listening.close(0);
    process.exit(0);
  }
}
