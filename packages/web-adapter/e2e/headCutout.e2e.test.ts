/**
 * The head cut-out in the browser: a built-in template whose `cutout` is `'head'` renders in the
 * example page's worker under the strict CSP, with the selfie segmentation model fetched from the
 * app's own origin (and SHA-256-checked) like the face models, nothing from anywhere else, the
 * person and head mattes held in the scope and wiped to zeros.
 */
import { builtInTemplates } from '@vopop/core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExampleSession } from './browserHarness';
import { generate, message, openExample, stopExampleServer, workersClosed } from './browserHarness';

let session: ExampleSession;

beforeEach(async () => {
  session = await openExample();
});

afterEach(async () => {
  await session.close();
});

afterAll(async () => {
  await stopExampleServer();
});

describe('head cut-out in Chromium', () => {
  const headTemplate = builtInTemplates.find((template) => template.cutout === 'head');

  it('a built-in head template renders from same-origin model files only, under the strict CSP', async () => {
    expect(headTemplate, 'a built-in template with a head cut-out').toBeDefined();
    const { page } = session;
    await generate(session, 'three_people.jpg', { template: headTemplate!.id });
    const status = await message(page);
    expect(status.tone, status.text).toBe('ok');

    // P4/P9: the selfie model came from the app's origin, with the face models; nothing else did.
    const foreign = session.requests.filter((url) => !url.startsWith(`${session.origin}/`) && !url.startsWith(`blob:${session.origin}/`));
    expect(foreign).toEqual([]);
    const paths = session.requests.map((url) => new URL(url).pathname);
    expect(paths).toContain('/vopop/models/selfie.json');
    expect(paths).toContain('/vopop/models/selfie.bin');
    const probe = await session.probe();
    expect(probe.cspViolations).toEqual([]);
    expect(session.consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);

    // The head was cut (the face-cut fallback makes no head matte): both mattes are in the
    // receipt, wiped.
    const rows = await page.$$eval('#receipt-rows tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    const mattes = rows.filter((row) => row[0] === 'matte').map((row) => row[1]).sort();
    expect(mattes).toEqual(['head.matte', 'photo.matte']);
    expect(rows.filter((row) => row[0] === 'matte' && row[4] !== 'zeros')).toEqual([]);
    expect(await page.getAttribute('#receipt', 'data-failed')).toBe('0');
    expect(await workersClosed(session)).toBe(true);
  });
});
