import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FaceDetector } from '@vopop/core';
import { decodePng, EphemeralScope, generateVideo, verifyDeletionReceipt } from '@vopop/core';
import { createNodeFaceDetector } from '@vopop/node-adapter';
import { createNodePlatform } from '@vopop/node-adapter';
import type { NodePlatform } from '@vopop/node-adapter';
import { createReceiptSigner, createRenderServer, listenRenderServer } from '@vopop/render-server';
import type { ListeningRenderServer, ReceiptSigner } from '@vopop/render-server';
import {
  assertNothingLeft,
  pngChunkTypes,
  remoteConsent,
  startRecordingProxy,
  tinyTemplate,
} from '../../../render-server/src/__tests__/support/remoteTestKit';
import { nobleReceiptCrypto } from '../crypto/nobleReceiptCrypto';
import { createFakeSkia } from '../decode/fakeSkia';
import { createFakeFileSystem } from '../files/fakeFileSystem';
import { createRNPlatform } from '../rnPlatform';
import { createFakeMediaLibrary } from '../save/fakeMediaLibrary';
import { fixturePng, pickerUri } from './rnTestKit';

const apiKey = 'rn-test-key-0123456789abcdef';
let serverPlatform: NodePlatform;
let signer: ReceiptSigner;
let listening: ListeningRenderServer;
let phoneDetector: FaceDetector;

beforeAll(async () => {
  serverPlatform = await createNodePlatform();
  signer = await createReceiptSigner();
  const server = createRenderServer({ platform: serverPlatform, signer, apiKeys: { [apiKey]: 'rn-tests' }, templates: [tinyTemplate], log: () => {} });
  listening = await listenRenderServer(server, { port: 0 });
  // The phone's detector in this test: the SDK's tfjs detector, which finds real faces in Node.
  // The TFLite path's own failures are tested with the fake interpreter in the failure tests.
  phoneDetector = await createNodeFaceDetector({ mode: 'image' });
});

afterAll(async () => {
  phoneDetector?.dispose();
  await listening?.close();
  await serverPlatform?.[Symbol.asyncDispose]();
});

describe('React Native flow against the reference render server on loopback', () => {
  it('picks, generates remotely (only the crop leaves), verifies the receipt, saves on request, and leaves no file', async () => {
    const proxy = await startRecordingProxy(new URL(listening.url));
    // On Hermes there is no WebCrypto: the phone must verify the receipt with the pure-JS port
    // (createRNPlatform's default), so Node's WebCrypto must never be asked to verify here.
    const webVerify = vi.spyOn(crypto.subtle, 'verify');
    const webImportKey = vi.spyOn(crypto.subtle, 'importKey');
    try {
      const files = createFakeFileSystem();
      const skia = createFakeSkia();
      const library = createFakeMediaLibrary(files);
      const platform = await createRNPlatform({
        files,
        skia,
        detector: phoneDetector,
        renderer: { endpoint: proxy.url, apiKey, receiptKeys: [signer.publicKey], retry: { maxAttempts: 1 } },
        mediaLibrary: library,
      });
      expect(platform.swept).toEqual({ sdkFiles: 0, pickedPhotos: 0, failed: 0 });

      // The app started (platform created, cache swept); now the person picks a photo.
      const photoFile = await fixturePng('portrait_small.jpg');
      files.makeDirectory(`${files.cacheDirectory}ImagePicker/`);
      const uri = pickerUri(files.cacheDirectory, 'F1C2-picked.png');
      await files.writeBytes(uri, photoFile);

      // Intake: the bytes are read into SDK memory, and the picker's copy is deleted.
      const picked = await platform.takePickedPhoto(uri);
      expect(picked.deletedCachedCopy).toBe(true);
      expect(files.files()).toEqual([]);
      expect(picked.receipt.records.map((r) => [r.kind, r.label, r.outcome, r.method, r.bytes])).toEqual([
        ['temp-file', 'picked-photo.cache', 'wiped', 'delete', photoFile.byteLength],
      ]);

      const result = await generateVideo(
        { photo: picked.bytes, consent: remoteConsent(proxy.url), template: tinyTemplate },
        platform,
      );

      // Only the crop crossed the wire: one PNG of 512×512 with IHDR, IDAT, IEND and nothing else.
      const requests = proxy.captured().filter((r) => r.head.startsWith('POST'));
      expect(requests).toHaveLength(1);
      const body = requests[0]!.body;
      expect(pngChunkTypes(body)).toEqual(['IHDR', 'IDAT', 'IEND']);
      const scope = new EphemeralScope();
      const crop = decodePng(new Uint8Array(body), scope);
      expect([crop.width, crop.height]).toEqual([512, 512]);
      scope.purge();
      expect(requests[0]!.headers.has('cookie')).toBe(false);

      // The service's receipt was verified against the pinned key, without WebCrypto, and names what was sent.
      expect(result.deletionReceipt).toBeDefined();
      expect(webVerify).not.toHaveBeenCalled();
      expect(webImportKey).not.toHaveBeenCalled();
      const check = await verifyDeletionReceipt(result.deletionReceipt!.jws, [signer.publicKey], nobleReceiptCrypto());
      expect(check.ok).toBe(true);
      expect(result.deletionReceipt!.payload.input.bytes).toBe(body.byteLength);

      // Everything on the phone was wiped: the photo bytes, Skia's pixel copy, landmarks, crop.
      assertNothingLeft(result.receipt, picked.bytes);
      expect(result.receipt.records.some((r) => r.label === 'photo.pixels.skia' && r.outcome === 'wiped' && r.verified)).toBe(true);
      expect(skia.liveObjects()).toBe(0);

      // Saving only when asked: add-only permission, the library holds the video, no file left.
      expect(library.requests).toEqual([]);
      await platform.saveToPhotoLibrary({ video: result.video, container: result.container });
      expect(library.requests).toEqual([{ writeOnly: true }]);
      expect(library.saved).toHaveLength(1);
      expect(library.saved[0]).toEqual(result.video.value);
      expect(files.files()).toEqual([]);

      result.video.purge();
      await platform[Symbol.asyncDispose]();
    } finally {
      webVerify.mockRestore();
      webImportKey.mockRestore();
      await proxy.close();
    }
  });
});
