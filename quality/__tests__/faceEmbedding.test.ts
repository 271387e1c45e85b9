import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EphemeralScope, ModelIntegrityError } from '@vopop/core';
import type { NodePlatform } from '@vopop/node-adapter';
import { createNodePlatform } from '@vopop/node-adapter';
import type { FaceEmbedder } from '../metrics/faceEmbedding';
import { cosineSimilarity, faceresDirectory, loadFaceEmbedder } from '../metrics/faceEmbedding';
import type { FixturePhoto } from '../fixturePhoto';
import { loadFixturePhoto } from '../fixturePhoto';
import { mirroredFace } from '../mirroredFace';

describe('faceres identity embeddings', () => {
  let platform: NodePlatform;
  let embedder: FaceEmbedder;
  const scope = new EphemeralScope({ label: 'faceEmbedding.test' });
  const photos: Record<string, FixturePhoto> = {};
  const embeddings: Record<string, Float32Array> = {};

  beforeAll(async () => {
    platform = await createNodePlatform();
    embedder = await loadFaceEmbedder();
    for (const name of ['astronaut.png', 'portrait.jpg', 'three_people.jpg']) {
      const photo = await loadFixturePhoto(name, platform, scope);
      photos[name] = photo;
      embeddings[name] = embedder.embed(photo.image.pixels.value, photo.image.width, photo.image.height, photo.landmarks.points);
    }
  });
  afterAll(async () => {
    scope.purge();
    embedder?.[Symbol.dispose]();
    await platform?.[Symbol.asyncDispose]();
  });

  it('gives unit-length 1024-number embeddings', () => {
    const embedding = embeddings['astronaut.png']!;
    expect(embedding).toHaveLength(1024);
    expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
  });

  it('scores a photo and its mirror image (one person) above any two different people', () => {
    const names = Object.keys(photos);
    let differentPeople = -1;
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        differentPeople = Math.max(differentPeople, cosineSimilarity(embeddings[names[i]!]!, embeddings[names[j]!]!));
      }
    }
    for (const name of names) {
      const photo = photos[name]!;
      const mirror = mirroredFace(photo);
      const same = cosineSimilarity(embeddings[name]!, embedder.embed(mirror.rgba, photo.image.width, photo.image.height, mirror.points));
      expect(same, name).toBeGreaterThan(differentPeople);
    }
  });

  it('refuses model files that differ from the pins by one byte, before tfjs sees them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faceres-'));
    try {
      copyFileSync(join(faceresDirectory(), 'faceres.json'), join(dir, 'faceres.json'));
      const weights = readFileSync(join(faceresDirectory(), 'faceres.bin'));
      weights[1000] = weights[1000]! ^ 0x01;
      writeFileSync(join(dir, 'faceres.bin'), weights);
      await expect(loadFaceEmbedder(dir)).rejects.toBeInstanceOf(ModelIntegrityError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
