import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EphemeralScope, LocalRenderer, builtInTemplates } from '@vopop/core';
import { buildTemplateFromVideo, createNodePlatform, createNodeVideoEncoder, loadTemplateFile } from '@vopop/node-adapter';
import { loadFixturePhoto } from '../fixturePhoto';
import { qualityRenderers } from '../qualityRenderers';
import { runQuality } from '../runQuality';
import { shortenTemplate } from '../shortenTemplate';

describe('pnpm quality on a recorded template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quality-recorded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures the template’s own floor and the output’s likeness to its actor', async () => {
    // The actor: the astronaut rendered into a short clip, built into a v2 template with a mesh track.
    const scope = new EphemeralScope({ label: 'recorded-template.test' });
    try {
      await using platform = await createNodePlatform();
      const photo = await loadFixturePhoto('astronaut.png', platform, scope);
      const renderer = new LocalRenderer({ encoder: await createNodeVideoEncoder() });
      const clip = shortenTemplate(builtInTemplates[1]!, 8);
      const video = await renderer.render({ photo: photo.image, landmarks: photo.landmarks, template: clip }, scope);
      writeFileSync(join(dir, 'actor.mp4'), video.bytes.value);
    } finally {
      scope.purge();
    }
    const built = await buildTemplateFromVideo(join(dir, 'actor.mp4'), {
      output: join(dir, 'template', 'template.json'),
      id: 'actor-test',
      title: 'Actor test',
      licence: 'CC0-1.0',
    });
    const loaded = await loadTemplateFile(built.manifestPath);
    expect(loaded.template.faceTrack.kind).toBe('mesh');

    const run = await runQuality({
      fixtures: ['portrait.jpg'],
      templates: [loaded],
      renderers: [qualityRenderers.v1],
      stride: 1,
      detailCount: 2,
      outDir: join(dir, 'docs'),
      command: 'quality test',
    });
    const row = run.rows[0]!;
    // The detector finds the actor's face where the track says, to a few percent of the eye distance.
    expect(row.placementFloor).toBeGreaterThan(0);
    expect(row.placementFloor).toBeLessThan(0.1);
    // The output shows the user's face (portrait), not the actor's (astronaut).
    expect(row.identityActor).toBeDefined();
    expect(row.identityPhoto).toBeGreaterThan(row.identityActor!);
    expect(run.markdown).toMatch(/\| portrait\.jpg \| actor-test \| v1 \| 8\/8 \| \d\.\d{3} \| \d\.\d{3} \|/);
  });
});
