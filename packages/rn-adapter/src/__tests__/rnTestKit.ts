import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ModelBytesSource } from '@vopop/core';
import { tfliteModelSource } from '../detect/fastTflite';
import { readTfliteModel } from '../../scripts/extractTfliteModels.mjs';
import { facesDir } from '../../../../fixtures/faces/facesDir';

/** A fixture photo as PNG (the fake Skia decodes PNG, as core's decoder does). */
export async function fixturePng(name: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(readFileSync(join(facesDir, name))).png().toBuffer());
}

/** The real MediaPipe models, taken from the pinned npm packages the way an app's build does. */
export function realModelSource(): ModelBytesSource {
  return tfliteModelSource(async (name) => readTfliteModel(name));
}

/** Where expo-image-picker leaves its copy of a pick. */
export function pickerUri(cacheDirectory: string, name: string): string {
  return `${cacheDirectory}ImagePicker/${name}`;
}
