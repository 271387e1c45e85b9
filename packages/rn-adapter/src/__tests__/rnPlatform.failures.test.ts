import { describe, expect, it } from 'vitest';
import type { PurgeReceipt, RenderedVideo, Renderer } from '@vopop/core';
import {
  EphemeralScope,
  generateVideo,
  InferenceFailedError,
  InputFileError,
  ModelIntegrityError,
  ModelLoadError,
  NoFaceError,
  PurgeFailedError,
  tfliteFaceModelPins,
} from '@vopop/core';
import { createFakeSkia } from '../decode/fakeSkia';
import { createFakeTflite } from '../detect/fakeTflite';
import { tfliteModelSource } from '../detect/fastTflite';
import { PermissionDeniedError } from '../errors/permissionDeniedError';
import { createFakeFileSystem } from '../files/fakeFileSystem';
import type { FakeFileSystem } from '../files/fakeFileSystem';
import { takePickedPhoto } from '../intake/takePickedPhoto';
import { createRNPlatform } from '../rnPlatform';
import { createFakeMediaLibrary } from '../save/fakeMediaLibrary';
import { tfliteModelFiles } from '../../scripts/extractTfliteModels.mjs';
import { fixturePng, pickerUri, realModelSource } from './rnTestKit';

const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'rn-test', grantedAt: '2026-12-03T08:00:00Z' } as const;

/** A renderer that must never be reached in these tests. */
const unreachableRenderer: Renderer = {
  render: async (): Promise<RenderedVideo> => {
    throw new Error('the renderer should not be reached');
  },
};

async function pick(files: FakeFileSystem): Promise<string> {
  files.makeDirectory(`${files.cacheDirectory}ImagePicker/`);
  const uri = pickerUri(files.cacheDirectory, 'A7-picked.png');
  await files.writeBytes(uri, await fixturePng('portrait_small.jpg'));
  return uri;
}

function expectAllWiped(receipt: PurgeReceipt | undefined, photo: Uint8Array): void {
  expect(receipt).toBeDefined();
  expect(receipt!.totals.failed).toBe(0);
  expect(receipt!.records.filter((r) => r.outcome === 'wiped' && r.verified === false)).toEqual([]);
  expect(photo.every((b) => b === 0)).toBe(true);
}

describe('React Native adapter: start-up sweep (P6)', () => {
  it('deletes a picked photo and the SDK temp files a killed app left, and nothing else', async () => {
    const files = createFakeFileSystem();
    // What a killed app left: a pick waiting in the picker's cache, a video on its way to the library.
    files.makeDirectory(`${files.cacheDirectory}ImagePicker/`);
    files.makeDirectory(`${files.cacheDirectory}vopop/`);
    files.makeDirectory(`${files.cacheDirectory}other-lib/`);
    await files.writeBytes(pickerUri(files.cacheDirectory, 'B3-picked.jpg'), new Uint8Array([1, 2, 3]));
    await files.writeBytes(`${files.cacheDirectory}vopop/9f3a.mp4`, new Uint8Array([4, 5, 6]));
    await files.writeBytes(`${files.cacheDirectory}other-lib/keep.bin`, new Uint8Array([7]));
    const tflite = createFakeTflite();
    const platform = await createRNPlatform({
      files,
      skia: createFakeSkia(),
      detector: { loadModel: tflite.loader, models: realModelSource() },
      renderer: unreachableRenderer,
    });
    expect(platform.swept).toEqual({ sdkFiles: 1, pickedPhotos: 1, failed: 0 });
    expect(files.files()).toEqual([`${files.cacheDirectory}other-lib/keep.bin`]);
    await platform[Symbol.asyncDispose]();
  });
});

describe('React Native adapter: each port failure is typed and leaves nothing behind', () => {
  it('the model files are the pinned ones, read from the pinned @mediapipe packages', () => {
    for (const pin of Object.values(tfliteFaceModelPins)) {
      expect(tfliteModelFiles.find((file) => file.name === pin.name)).toMatchObject({ bytes: pin.bytes, sha256: pin.sha256 });
    }
  });

  it('model load: ModelLoadError, no model left loaded', async () => {
    const tflite = createFakeTflite();
    tflite.failLoad = true;
    const files = createFakeFileSystem();
    const error = await createRNPlatform({ files, skia: createFakeSkia(), detector: { loadModel: tflite.loader, models: realModelSource() }, renderer: unreachableRenderer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error).toMatchObject({ code: 'MODEL_LOAD', file: 'face_detection_short_range.tflite' });
    expect(tflite.liveModels()).toBe(0);
  });

  it('landmark model load failing after the detector loaded: the detector is released too', async () => {
    let loads = 0;
    const tflite = createFakeTflite();
    const loader = (bytes: ArrayBuffer) => {
      if (++loads === 2) throw new Error('TFLite: unsupported op');
      return tflite.loader(bytes);
    };
    const error = await createRNPlatform({ files: createFakeFileSystem(), skia: createFakeSkia(), detector: { loadModel: loader, models: realModelSource() }, renderer: unreachableRenderer }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_LOAD', file: 'face_landmark.tflite' });
    await Promise.resolve();
    expect(tflite.liveModels()).toBe(0);
  });

  it('a model file that is not the pinned one: ModelIntegrityError before the runtime sees it', async () => {
    const tflite = createFakeTflite();
    const models = tfliteModelSource(async (name) => {
      const bytes = new Uint8Array(await realModelSource().read(name));
      bytes[1000] = bytes[1000]! ^ 0xff;
      return bytes;
    });
    const error = await createRNPlatform({ files: createFakeFileSystem(), skia: createFakeSkia(), detector: { loadModel: tflite.loader, models }, renderer: unreachableRenderer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelIntegrityError);
    expect(error).toMatchObject({ reason: 'mismatch' });
    expect(tflite.runs()).toBe(0);
    expect(tflite.liveModels()).toBe(0);
  });

  it('inference: InferenceFailedError, every tensor, pixel and the photo wiped', async () => {
    const files = createFakeFileSystem();
    const skia = createFakeSkia();
    const tflite = createFakeTflite();
    const platform = await createRNPlatform({ files, skia, detector: { loadModel: tflite.loader, models: realModelSource() }, renderer: unreachableRenderer });
    const picked = await platform.takePickedPhoto(await pick(files));
    tflite.failRun = true;
    let receipt: PurgeReceipt | undefined;
    const error = await generateVideo({ photo: picked.bytes, consent, onPurged: (r) => (receipt = r) }, platform).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceFailedError);
    expect(error).toMatchObject({ code: 'INFERENCE_FAILED', reason: 'runtime-error' });
    expectAllWiped(receipt, picked.bytes);
    expect(receipt!.records.some((r) => r.label === 'tflite.detector.input' && r.outcome === 'wiped' && r.verified === true)).toBe(true);
    expect(skia.liveObjects()).toBe(0);
    expect(files.files()).toEqual([]);
    await platform[Symbol.asyncDispose]();
    await Promise.resolve();
    expect(tflite.liveModels()).toBe(0);
  });

  it('the real models’ answer for no face (the fake’s default): NoFaceError, the runtime’s outputs wiped', async () => {
    const files = createFakeFileSystem();
    const tflite = createFakeTflite();
    const platform = await createRNPlatform({ files, skia: createFakeSkia(), detector: { loadModel: tflite.loader, models: realModelSource() }, renderer: unreachableRenderer });
    const picked = await platform.takePickedPhoto(await pick(files));
    let receipt: PurgeReceipt | undefined;
    const error = await generateVideo({ photo: picked.bytes, consent, onPurged: (r) => (receipt = r) }, platform).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoFaceError);
    expectAllWiped(receipt, picked.bytes);
    expect(receipt!.records.filter((r) => r.label.startsWith('tflite.output.')).map((r) => r.verified)).toEqual([true, true]);
    await platform[Symbol.asyncDispose]();
  });

  it('file read: InputFileError, and the cached copy is deleted all the same', async () => {
    const files = createFakeFileSystem();
    const uri = await pick(files);
    files.failures.read = () => true;
    const error = await takePickedPhoto(files, uri).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect(error).toMatchObject({ code: 'INPUT_FILE', problem: 'unreadable' });
    expect((error as Error).message).not.toContain('A7-picked');
    expect(files.files()).toEqual([]);
  });

  it('mutant: a file system whose delete does nothing is caught (the intake fails instead of claiming a deletion)', async () => {
    const files = createFakeFileSystem();
    const uri = await pick(files);
    const noOpDelete = { ...files, deleteFile: () => {} };
    const error = await takePickedPhoto(noOpDelete, uri).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PurgeFailedError);
    expect(files.files()).toEqual([uri]);
  });

  it('a photo outside the app cache is read and left alone', async () => {
    const files = createFakeFileSystem();
    files.makeDirectory('file:///data/app/files/');
    await files.writeBytes('file:///data/app/files/mine.png', new Uint8Array([9, 9]));
    const picked = await takePickedPhoto(files, 'file:///data/app/files/mine.png');
    expect(picked.deletedCachedCopy).toBe(false);
    expect(picked.receipt.records).toEqual([]);
    expect(files.files()).toEqual(['file:///data/app/files/mine.png']);
  });

  it('permission denied on save: PermissionDeniedError, nothing saved, no file written', async () => {
    const files = createFakeFileSystem();
    const library = createFakeMediaLibrary(files);
    const platform = await createRNPlatform({ files, skia: createFakeSkia(), detector: { loadModel: createFakeTflite().loader, models: realModelSource() }, renderer: unreachableRenderer, mediaLibrary: library });
    const scope = new EphemeralScope();
    const video = scope.hold(new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]), { kind: 'video', label: 'video' });
    for (const answer of ['denied', 'blocked'] as const) {
      library.answer = answer;
      const error = await platform.saveToPhotoLibrary({ video, container: 'mp4' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED', canAskAgain: answer === 'denied' });
    }
    expect(library.requests).toEqual([{ writeOnly: true }, { writeOnly: true }]);
    expect(library.saved).toEqual([]);
    expect(files.files()).toEqual([]);
    // A save that fails after the file was written still deletes it.
    library.answer = 'granted';
    files.failures.read = () => true;
    const failed = await platform.saveToPhotoLibrary({ video, container: 'mp4' }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'OUTPUT_WRITE' });
    expect(files.files()).toEqual([]);
    scope.purge();
    await platform[Symbol.asyncDispose]();
  });
});
