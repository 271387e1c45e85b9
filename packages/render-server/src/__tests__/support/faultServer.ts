import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeletionReceiptPayload } from '@vopop/core';
import { receiptHeader, sha256Hex, signDeletionReceipt } from '@vopop/core';

/** What a fault handler sees of one request. */
export interface FaultRequest {
  readonly body: Uint8Array;
  readonly idempotencyKey: string;
  readonly templateId: string;
  readonly attempt: number;
}

/** A misbehaving service on loopback: each request goes to `handle`, which writes what it likes. */
export async function startFaultServer(
  handle: (request: FaultRequest, req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      count++;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      void handle(
        {
          body: new Uint8Array(Buffer.concat(chunks)),
          idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
          templateId: url.searchParams.get('template') ?? '',
          attempt: count,
        },
        req,
        res,
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Receipt claims for `request` and `video`, to be altered by a fault. */
export async function receiptClaimsFor(request: FaultRequest, video: Uint8Array): Promise<DeletionReceiptPayload> {
  const at = new Date().toISOString();
  return {
    typ: 'vopop-deletion-receipt',
    version: 1,
    idempotencyKey: request.idempotencyKey,
    templateId: request.templateId,
    input: { sha256: await sha256Hex(request.body), bytes: request.body.length, mediaType: 'image/png' },
    output: { sha256: await sha256Hex(video), bytes: video.length, mediaType: 'video/mp4' },
    outcome: 'rendered',
    receivedAt: at,
    completedAt: at,
    held: [
      { kind: 'input', location: 'memory', bytes: request.body.length, method: 'zero-fill', wipedAt: at, phase: 'before-response', verified: true },
      { kind: 'output', location: 'memory', bytes: video.length, method: 'zero-fill', wipedAt: null, phase: 'after-response', verified: null },
    ],
    retentionPolicyVersion: 'test',
    buildId: 'fault-server',
    attestation: null,
  };
}

/** Answer with `video` and a receipt signed by `key` over `claims`. */
export async function answerWithReceipt(
  res: ServerResponse,
  video: Uint8Array,
  claims: DeletionReceiptPayload,
  key: { privateKey: CryptoKey; keyId: string },
): Promise<void> {
  const jws = await signDeletionReceipt(claims, key);
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(video.length), [receiptHeader]: jws });
  res.end(video);
}
