// The test page of remoteMode.e2e.test.ts, bundled by the test and run in Chromium. It drives the
// example's own built worker (a plain exposeVopopWorker()) in two ways: through createVopopClient,
// as an app does, and through comlink directly, to show what the worker itself refuses when a
// request skips the page's checks.
import * as Comlink from 'comlink';
import type { ConsentRecord, Template, VopopClient, VopopClientOptions, VopopWorkerApi, VopopWorkerConfig } from '@vopop/web-adapter';
import { RenderServiceError, createVopopClient, installTransferHandlers, isVopopError } from '@vopop/web-adapter';

/** A generation through the client, as the test sees it. */
export type ClientRun =
  | {
      readonly ok: true;
      readonly video: number[];
      readonly mimeType: string;
      readonly deletionReceipt: unknown;
      readonly receiptKinds: string[];
    }
  | {
      readonly ok: false;
      readonly code: string;
      readonly name: string;
      readonly message: string;
      readonly renderServiceError: boolean;
      readonly failure: string | null;
      readonly reason: string | null;
      readonly retryable: boolean | null;
      readonly receiptKinds: string[];
      /** How each held item ended: `wiped` (and whether it re-read as zeros) or `moved` out. */
      readonly receiptOutcomes: { readonly kind: string; readonly outcome: string; readonly verified: boolean | null }[];
    };

/** One request made to the worker directly, as the test sees its answer. */
export interface WorkerAnswer {
  readonly name: string;
  readonly ok: boolean;
  readonly code: string | null;
  readonly reason: string | null;
  readonly receiptKinds: string[];
}

async function photoBytes(photoUrl: string): Promise<ArrayBuffer> {
  const response = await fetch(photoUrl);
  return response.arrayBuffer();
}

/**
 * One client per configuration and label, kept for the page's life: each worker loads the models
 * once. A new label starts a new worker (whose script is fetched again, under the site's headers
 * of the moment).
 */
const clients = new Map<string, VopopClient>();

function clientFor(workerUrl: string, options: Pick<VopopClientOptions, 'remote' | 'consentPolicy'>, label: string): VopopClient {
  const key = JSON.stringify([workerUrl, options, label]);
  let client = clients.get(key);
  if (!client) {
    client = createVopopClient({
      worker: () => new Worker(workerUrl, { type: 'module' }),
      modelsUrl: '/vopop/models/',
      wasmUrl: '/vopop/tfjs/',
      ...options,
    });
    clients.set(key, client);
  }
  return client;
}

async function generateWithClient(
  workerUrl: string,
  options: Pick<VopopClientOptions, 'remote' | 'consentPolicy'>,
  request: { readonly photoUrl: string; readonly consent: ConsentRecord; readonly template: Template },
  label = 'default',
): Promise<ClientRun> {
  const client = clientFor(workerUrl, options, label);
  let receiptKinds: string[] = [];
  let receiptOutcomes: { kind: string; outcome: string; verified: boolean | null }[] = [];
  try {
    const result = await client.generate({
      photo: await photoBytes(request.photoUrl),
      consent: request.consent,
      template: request.template,
      onPurged: (receipt) => {
        receiptKinds = receipt.records.map((record) => record.kind);
        receiptOutcomes = receipt.records.map(({ kind, outcome, verified }) => ({ kind, outcome, verified }));
      },
    });
    const video = Array.from(result.video.value);
    result.video.purge();
    return { ok: true, video, mimeType: result.mimeType, deletionReceipt: result.deletionReceipt ?? null, receiptKinds };
  } catch (error) {
    const service = error instanceof RenderServiceError ? error : undefined;
    return {
      ok: false,
      code: isVopopError(error) ? error.code : 'not-a-vopop-error',
      name: error instanceof Error ? error.name : typeof error,
      message: error instanceof Error ? error.message : String(error),
      renderServiceError: service !== undefined,
      failure: service?.failure ?? null,
      reason: service?.details.reason ?? null,
      retryable: service?.retryable ?? null,
      receiptKinds,
      receiptOutcomes,
    };
  }
}

/** One worker, one configuration, several requests straight through comlink. */
async function askWorker(
  workerUrl: string,
  config: VopopWorkerConfig,
  requests: readonly { readonly name: string; readonly consent: unknown; readonly photoUrl: string; readonly template: Template }[],
): Promise<WorkerAnswer[]> {
  installTransferHandlers();
  const worker = new Worker(workerUrl, { type: 'module' });
  const api = Comlink.wrap<VopopWorkerApi>(worker);
  try {
    await api.init(config);
    const answers: WorkerAnswer[] = [];
    let jobId = 1;
    for (const request of requests) {
      const answer = await api.generate(await photoBytes(request.photoUrl), { jobId: jobId++, consent: request.consent, template: request.template });
      answers.push({
        name: request.name,
        ok: answer.ok,
        code: answer.ok ? null : answer.error.code,
        reason: answer.ok ? null : String(answer.error.fields['reason'] ?? ''),
        receiptKinds: (answer.receipt?.records ?? []).map((record) => record.kind),
      });
    }
    await api.close();
    return answers;
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}

(window as unknown as { vopopE2E: unknown }).vopopE2E = { generateWithClient, askWorker };
document.body.dataset['ready'] = 'true';
