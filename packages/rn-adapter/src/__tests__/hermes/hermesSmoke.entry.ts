/**
 * Core's pure-JS parts, run under the real `hermes` VM (hermes-engine-cli 0.12, which has no
 * Symbol.dispose, WeakRef, FinalizationRegistry, WebAssembly or private class fields). Bundled
 * by `hermesSmoke.test.ts` with esbuild after `hermesGlobals.ts` (a separate bundle run first, so
 * that the stand-ins exist before core's modules are evaluated); prints one JSON line of results and `HERMES SMOKE OK`,
 * or throws (non-zero exit).
 */
import type { FaceDetector, FaceLandmarks, ImageDecoder, PurgeReceipt } from '@vopop/core';
import {
  alignFace,
  assertConsent,
  canonicalDenseFace,
  ConsentRequiredError,
  decodePng,
  EphemeralScope,
  faceLandmarksWiper,
  generateVideo,
  InvalidArgumentError,
  leakDetector,
  PurgedError,
  RemoteRenderer,
  RenderServiceError,
  sha256Hex,
  tfliteFaceModelPins,
  verifyDeletionReceipt,
} from '@vopop/core';
import { encodeCropPng } from '../../../../core/src/remote/encodeCropPng';
import { blazeFaceShortRangeAnchors } from '../../../../core/src/tflite/blazeFaceAnchors';
import { nobleReceiptCrypto } from '../../crypto/nobleReceiptCrypto';
import { fixedReceiptJws, fixedReceiptPublicKey } from './fixedReceipt';

declare const print: (line: string) => void;

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`hermes smoke: ${what}`);
}

function meshFor(x: number, y: number, size: number, width: number, height: number): FaceLandmarks {
  const pointCount = canonicalDenseFace.length / 2;
  const points = new Float32Array(pointCount * 3);
  for (let i = 0; i < pointCount; i++) {
    points[i * 3] = x + canonicalDenseFace[i * 2]! * size;
    points[i * 3 + 1] = y + canonicalDenseFace[i * 2 + 1]! * size;
  }
  return { imageWidth: width, imageHeight: height, pointCount, points, box: Float32Array.of(x, y, x + size, y + size), score: Float32Array.of(0.9) };
}

async function main(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  results.vm = (globalThis as Record<string, unknown>).__vmFacts;
  // Core's polyfill installed the registered symbol that lowered `using` looks up.
  results.symbolDisposeAfterCore = typeof (Symbol as { dispose?: symbol }).dispose;

  // Ephemeral scopes, `using` (lowered by esbuild onto the polyfilled Symbol.dispose) and receipts.
  const kept: Uint8Array[] = [];
  {
    using scope = new EphemeralScope({ label: 'smoke' });
    const bytes = scope.hold(Uint8Array.of(1, 2, 3, 4), { kind: 'photo-bytes', label: 'photo.bytes' });
    kept.push(bytes.value);
    check(scope.liveHandles === 1, 'a held handle is live');
  }
  check(kept[0]!.every((b) => b === 0), 'leaving a using block zero-fills the handle');
  const scope = new EphemeralScope({ label: 'smoke2' });
  const handle = scope.hold(new Float32Array([1.5, 2.5]), { kind: 'buffer', label: 'numbers' });
  const receipt = scope.purge();
  check(receipt.totals.wiped === 1 && receipt.totals.failed === 0 && receipt.records[0]!.verified === true, 'receipt');
  let purged = false;
  try {
    void handle.value;
  } catch (error) {
    purged = error instanceof PurgedError;
  }
  check(purged, 'a purged handle throws PurgedError');
  results.leakDetectorSupported = leakDetector.supported;

  // Consent.
  let refused = false;
  try {
    assertConsent(undefined, 'on-device');
  } catch (error) {
    refused = error instanceof ConsentRequiredError;
  }
  check(refused, 'missing consent is ConsentRequiredError');

  // Alignment.
  const face = meshFor(64, 48, 128, 256, 256);
  const alignment = alignFace(face, { cropSize: 512 });
  check(Number.isFinite(alignment.rmsResidual), 'alignment fits');
  results.alignment = { rmsResidual: Math.round(alignment.rmsResidual * 1000) / 1000, photoToCrop: alignment.photoToCrop };

  // Hashing and the TFLite maths.
  check(sha256Hex(new TextEncoder().encode('abc')) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'sha256');
  check(blazeFaceShortRangeAnchors().length === 896 * 2, 'anchors');
  check(tfliteFaceModelPins.detector.bytes === 229032, 'pins');

  // Receipts without WebCrypto: the pure-JS port verifies a receipt the render server signed, and
  // refuses it with one claim character or one signature bit changed.
  check(typeof (globalThis as { crypto?: { subtle?: unknown } }).crypto?.subtle === 'undefined', 'this VM has no WebCrypto');
  const noble = nobleReceiptCrypto();
  const genuine = await verifyDeletionReceipt(fixedReceiptJws, [fixedReceiptPublicKey], noble);
  const [headerPart, payloadPart, signaturePart] = fixedReceiptJws.split('.') as [string, string, string];
  const i = payloadPart.length >> 1;
  const editedClaims = `${headerPart}.${payloadPart.slice(0, i)}${payloadPart[i] === 'A' ? 'B' : 'A'}${payloadPart.slice(i + 1)}.${signaturePart}`;
  const editedSignature = `${headerPart}.${payloadPart}.${signaturePart[0] === 'A' ? 'B' : 'A'}${signaturePart.slice(1)}`;
  const claimsCheck = await verifyDeletionReceipt(editedClaims, [fixedReceiptPublicKey], noble);
  const signatureCheck = await verifyDeletionReceipt(editedSignature, [fixedReceiptPublicKey], noble);
  const digest = await noble.sha256(new TextEncoder().encode('abc'));
  let withoutPort = 'constructed';
  try {
    new RemoteRenderer({ endpoint: 'http://127.0.0.1:8787', apiKey: 'hermes-smoke-key', receiptKeys: [fixedReceiptPublicKey] });
  } catch (caught) {
    withoutPort = caught instanceof InvalidArgumentError ? caught.code : String(caught);
  }
  results.receipt = {
    genuine: genuine.ok ? genuine.receipt.payload.idempotencyKey : genuine.problem,
    editedClaims: claimsCheck.ok ? 'accepted' : claimsCheck.problem,
    editedSignature: signatureCheck.ok ? 'accepted' : signatureCheck.problem,
    sha256abc: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
    withoutPort,
  };

  // A whole generation with the remote client and an injected fetch: the service answers 422.
  const width = 256;
  const height = 256;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = (i / 4) % 256;
    rgba[i + 1] = 90;
    rgba[i + 2] = 160;
    rgba[i + 3] = 255;
  }
  const photo = encodeCropPng(rgba, width, height);
  const decoder: ImageDecoder = { decode: async (bytes, s) => decodePng(bytes, s) };
  const detector: FaceDetector = {
    landmarks: 468,
    maxFaces: 1,
    mode: 'image',
    backend: 'smoke',
    detect: async (image, s) => [s.hold(meshFor(64, 48, 128, image.width, image.height), { kind: 'landmarks', label: 'face.0', wiper: faceLandmarksWiper })],
    reset: () => {},
    dispose: () => {},
    [Symbol.dispose]: () => {},
  };
  const sent: Uint8Array[] = [];
  const problem = new TextEncoder().encode(JSON.stringify({ type: 'about:blank', title: 'No face', status: 422, code: 'no_face', retryable: false }));
  const fetchStub = (async (_url: unknown, init: { body: Uint8Array }) => {
    sent.push(init.body.slice());
    let done = false;
    const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'content-length': String(problem.length) };
    return {
      status: 422,
      ok: false,
      type: 'basic',
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
      body: {
        getReader: () => ({
          read: async () => (done ? { done: true, value: undefined } : ((done = true), { done: false, value: problem.slice() })),
          cancel: async () => {},
        }),
        cancel: async () => {},
      },
    };
  }) as unknown as typeof fetch;
  const renderer = new RemoteRenderer({
    endpoint: 'http://127.0.0.1:8787',
    apiKey: 'hermes-smoke-key',
    receiptKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'smoke' }],
    fetch: fetchStub,
    crypto: noble,
    retry: { maxAttempts: 1 },
  });
  // An object, not a captured `let`: the 0.12 VM loses a write to a variable captured by an arrow
  // function created inside a (lowered async) generator and called while it is suspended.
  const seen: { receipt?: PurgeReceipt } = {};
  let error: unknown;
  try {
    await generateVideo(
      {
        photo,
        consent: { purpose: 'face-video', processing: 'remote-service', remoteOrigins: ['http://127.0.0.1:8787'], noticeVersion: 'v1', grantedAt: '2026-12-03T08:00:00Z' },
        onPurged: (r) => (seen.receipt = r),
      },
      { decoder, detector, renderer },
    );
  } catch (caught) {
    error = caught;
  }
  check(error instanceof RenderServiceError, `the 422 is a RenderServiceError (got ${String(error)})`);
  check(sent.length === 1, 'one request');
  const cropScope = new EphemeralScope();
  const crop = decodePng(sent[0]!, cropScope);
  check(crop.width === 512 && crop.height === 512, 'the body is the 512×512 crop');
  cropScope.purge();
  const purgeReceipt = seen.receipt;
  check(purgeReceipt !== undefined && purgeReceipt.totals.failed === 0, `the generation purged: ${JSON.stringify(purgeReceipt?.records.filter((r) => r.outcome !== 'wiped'))}`);
  check(photo.every((b) => b === 0), 'the photo bytes are zero');
  results.remote = { code: (error as RenderServiceError).code, failure: (error as RenderServiceError).failure, handles: purgeReceipt!.totals.handles };
  return results;
}

main().then(
  (results) => {
    print(JSON.stringify(results));
    print('HERMES SMOKE OK');
  },
  (error: unknown) => {
    print(`HERMES SMOKE FAILED: ${error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error)}`);
  },
);
