import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AbortedError, InvalidArgumentError, TemplateInvalidError } from '@vopop/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FetchTemplateAssets } from '../templates/fetchTemplateAssets';
import { loadTemplateUrl } from '../templates/loadTemplateUrl';
import type { LoopbackServer } from './loopbackServer';
import { startLoopbackServer } from './loopbackServer';

// Template files fetched over real HTTP from servers on loopback (two ports: two origins), with
// Node's own fetch: where an asset path may lead, what a redirect may do, and how failures read.

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const exampleTemplate = path.join(repoRoot, 'examples', 'web', 'public', 'templates', 'velvet-stripes');

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);

let app: LoopbackServer;
let other: LoopbackServer;

beforeAll(async () => {
  app = await startLoopbackServer();
  other = await startLoopbackServer({ '/evil.png': { body: 'evil' } });
  app.route('/t/velvet/bg.png', { body: png });
  app.route('/t/velvet/frames/0001.png', { body: png });
  app.route('/t/velvet/moved.png', { redirect: '/t/velvet/bg.png' });
  app.route('/t/velvet/up.png', { redirect: '/private/secret.png' });
  app.route('/private/secret.png', { body: 'secret' });
  app.route('/t/velvet/away.png', { redirect: `${other.origin}/evil.png` });
  app.route('/t/velvet/broken.png', { body: 'oops', status: 500 });
  app.route('/t/velvet/big.png', { body: new Uint8Array(4096) });
  app.route('/t/velvet/slow.png', { hang: true });
  app.route('/secret.png', { body: 'secret' });
});

afterAll(async () => {
  await app.close();
  await other.close();
});

beforeEach(() => {
  app.requested.length = 0;
  other.requested.length = 0;
});

function assets(options?: ConstructorParameters<typeof FetchTemplateAssets>[1]): FetchTemplateAssets {
  return new FetchTemplateAssets(`${app.origin}/t/velvet/manifest.json`, options);
}

/** The one issue of a TemplateInvalidError, or the error itself when it is something else. */
async function issueOf(promise: Promise<unknown>): Promise<{ path: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemplateInvalidError);
  const { issues } = error as TemplateInvalidError;
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

describe('FetchTemplateAssets', () => {
  it('reads assets beside the manifest and in its sub-folders', async () => {
    const files = assets();
    expect(await files.read('bg.png', 'background.frames[0]')).toEqual(png);
    expect(await files.read('frames/0001.png', 'background.frames[1]')).toEqual(png);
    expect(app.requested).toEqual(['/t/velvet/bg.png', '/t/velvet/frames/0001.png']);
  });

  it.each([
    ['../secret.png'],
    ['frames/../../secret.png'],
    ['%2e%2e/secret.png'],
    ['/secret.png'],
    ['//127.0.0.1/secret.png'],
    ['http://127.0.0.1/secret.png'],
    ['frames\\..\\..\\secret.png'],
    ['.hidden.png'],
  ])('refuses %s before any request, naming the field', async (assetPath) => {
    const issue = await issueOf(assets().read(assetPath, 'background.frames[3]'));
    expect(issue.path).toBe('background.frames[3]');
    expect(app.requested).toEqual([]);
    expect(other.requested).toEqual([]);
  });

  it('follows a redirect inside the template folder', async () => {
    expect(await assets().read('moved.png', 'background.frames[0]')).toEqual(png);
  });

  it('refuses a redirect out of the template folder, on the same origin', async () => {
    const issue = await issueOf(assets().read('up.png', 'background.frames[2]'));
    expect(issue).toEqual({ path: 'background.frames[2]', message: 'the file was redirected outside the template folder' });
  });

  it('refuses a redirect to another origin', async () => {
    const issue = await issueOf(assets().read('away.png', 'background.path'));
    expect(issue).toEqual({ path: 'background.path', message: 'the file was redirected outside the template folder' });
  });

  it.each([
    ['missing.mp4', 'the file answered HTTP 404'],
    ['broken.png', 'the file answered HTTP 500'],
  ])('turns an HTTP error for %s into TemplateInvalidError naming the field', async (assetPath, message) => {
    expect(await issueOf(assets().read(assetPath, 'background.path'))).toEqual({ path: 'background.path', message });
  });

  it('refuses a file over maxBytes', async () => {
    const issue = await issueOf(assets({ maxBytes: 1000 }).read('big.png', 'background.frames[0]'));
    expect(issue.message).toBe('the file is larger than 1000 bytes');
    expect(await assets({ maxBytes: 4096 }).read('big.png', 'background.frames[0]')).toHaveLength(4096);
  });

  it('reports a host that does not answer as a network error', async () => {
    const gone = await startLoopbackServer();
    const origin = gone.origin;
    await gone.close();
    const files = new FetchTemplateAssets(`${origin}/t/manifest.json`);
    const issue = await issueOf(files.read('bg.png', 'background.frames[0]'));
    expect(issue.message).toBe('the file could not be fetched (network error)');
  });

  it('aborts before the request and half-way through a download', async () => {
    const files = assets();
    const early = new AbortController();
    early.abort();
    await expect(files.read('bg.png', 'background.frames[0]', early.signal)).rejects.toBeInstanceOf(AbortedError);
    expect(app.requested).toEqual([]);

    const late = new AbortController();
    const reading = files.read('slow.png', 'background.frames[0]', late.signal);
    await vi.waitFor(() => expect(app.requested).toEqual(['/t/velvet/slow.png']));
    late.abort();
    await expect(reading).rejects.toBeInstanceOf(AbortedError);
  });

  it('fetches a missing video as a TemplateInvalidError before any decoding', async () => {
    const onFrame = vi.fn();
    const issue = await issueOf(assets().decodeVideo('background.mp4', 'background.path', onFrame, new AbortController().signal));
    expect(issue).toEqual({ path: 'background.path', message: 'the file answered HTTP 404' });
    expect(onFrame).not.toHaveBeenCalled();
  });

  it('refuses manifests that are not http(s) and nonsense limits', () => {
    expect(() => new FetchTemplateAssets('file:///etc/manifest.json')).toThrow(InvalidArgumentError);
    expect(() => new FetchTemplateAssets('not a url')).toThrow(InvalidArgumentError);
    expect(() => assets({ maxBytes: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('loadTemplateUrl', () => {
  const manifest = readFileSync(path.join(exampleTemplate, 'manifest.json'));

  beforeAll(() => {
    app.route('/templates/velvet-stripes/manifest.json', { body: manifest, type: 'application/json' });
    app.route('/templates/velvet-stripes/background.mp4', { body: readFileSync(path.join(exampleTemplate, 'background.mp4')) });
    app.route('/templates/old/manifest.json', { redirect: '/templates/velvet-stripes/manifest.json', status: 301 });
    app.route('/templates/away/manifest.json', { redirect: `${other.origin}/manifest.json` });
    app.route('/templates/bad/not-json.json', { body: '{ "format": ' });
    app.route('/templates/bad/not-utf8.json', { body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    const escaping = { ...(JSON.parse(manifest.toString('utf8')) as object), background: { kind: 'video', path: '../x.mp4' } };
    app.route('/templates/bad/escaping.json', { body: JSON.stringify(escaping) });
    app.route('/templates/bad/huge.json', { body: ' '.repeat(2048) });
  });

  beforeEach(() => {
    vi.stubGlobal('location', new URL(`${app.origin}/shop/index.html`));
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("loads the example's recorded template relative to the location; its video is beside it", async () => {
    const loaded = await loadTemplateUrl('../templates/velvet-stripes/manifest.json');
    expect(loaded.template).toMatchObject({ id: 'velvet-stripes', width: 360, height: 640, frameCount: 60 });
    expect(loaded.template.background).toEqual({ kind: 'video', path: 'background.mp4' });
    expect(loaded.manifestUrl).toBe(`${app.origin}/templates/velvet-stripes/manifest.json`);
    const video = await loaded.assets.read('background.mp4', 'background.path');
    // An MP4: 'ftyp' at offset 4.
    expect(new TextDecoder().decode(video.subarray(4, 8))).toBe('ftyp');
  });

  it('resolves assets against the manifest it was redirected to, on the same origin', async () => {
    const loaded = await loadTemplateUrl('/templates/old/manifest.json');
    expect(loaded.manifestUrl).toBe(`${app.origin}/templates/velvet-stripes/manifest.json`);
    app.requested.length = 0;
    await loaded.assets.read('background.mp4', 'background.path');
    expect(app.requested).toEqual(['/templates/velvet-stripes/background.mp4']);
  });

  it('refuses a manifest on another origin before any request to it', async () => {
    await expect(loadTemplateUrl(`${other.origin}/manifest.json`)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(other.requested).toEqual([]);
  });

  it.each([
    ['/templates/none/manifest.json', { path: '(file)', message: 'the file answered HTTP 404' }],
    ['/templates/away/manifest.json', { path: '(file)', message: "the file was redirected off the app's origin" }],
    ['/templates/bad/not-json.json', { path: '(file)', message: 'template file is not valid JSON' }],
    ['/templates/bad/not-utf8.json', { path: '(file)', message: 'template file is not UTF-8 text' }],
  ])('%s → TemplateInvalidError', async (url, expected) => {
    expect(await issueOf(loadTemplateUrl(url))).toEqual(expected);
  });

  it('validates the manifest with the schema (an escaping asset path)', async () => {
    const error = await loadTemplateUrl('/templates/bad/escaping.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues[0]?.path).toBe('background.path');
  });

  it('refuses a manifest over maxBytes', async () => {
    const issue = await issueOf(loadTemplateUrl('/templates/bad/huge.json', { maxBytes: 1024 }));
    expect(issue).toEqual({ path: '(file)', message: 'the file is larger than 1024 bytes' });
  });
});
