/**
 * A client process for the client-side P3 scan of remote rendering: it generates once through
 * the render server at the given URL, disposes the video, and on `gc` from the parent collects
 * garbage and answers, so the parent can read its memory. `{"wipe":false}` (the control) keeps
 * every value the generation held, unwiped and referenced.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ReceiptPublicKey, Wiper } from '@vopop/core';
import { generateVideo, RemoteRenderer, WiperRegistry } from '@vopop/core';
import { createNodePlatform } from '@vopop/node-adapter';
import { facesDir } from '../../../../../fixtures/faces/facesDir';
import { remoteConsent, tinyTemplate } from '../support/remoteTestKit';

const args = JSON.parse(process.argv[2]!) as { url: string; apiKey: string; jwk: ReceiptPublicKey; wipe: boolean };
const say = (message: object) => process.stdout.write(`P3CLIENT ${JSON.stringify(message)}\n`);

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
const renderer = new RemoteRenderer({ endpoint: args.url, apiKey: args.apiKey, receiptKeys: [args.jwk] });
const result = await generateVideo(
  { photo: readFileSync(join(facesDir, 'portrait_small.jpg')), consent: remoteConsent(args.url), template: tinyTemplate },
  { ...platform, renderer, ...(args.wipe ? {} : { wipers: new WiperRegistry([keepEverything]) }) },
);
result.video.purge();
say({ generated: true });

const gc = (globalThis as { gc?: () => void }).gc!;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'gc') {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    say({ gc: true });
  } else if (line === 'done') {
    process.exit(0);
  }
}
