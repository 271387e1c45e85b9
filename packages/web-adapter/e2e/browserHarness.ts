import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page, Worker as PlaywrightWorker } from 'playwright-core';
import { chromium } from 'playwright-core';
import { vopopCsp } from '@vopop/web-adapter/vite';
import { exampleRoot } from './buildExample';
import type { StaticServer } from './staticServer';
import { startStaticServer } from './staticServer';
import { facesDir } from '../../../fixtures/faces/facesDir';

// The tests pick fixtures by name from here too.
export { facesDir };

/** The repository root (/work/main), found from this file. */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

/** Flags for a quiet, offline, GPU-less headless Chromium (see research/video-encoding.md). */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Runs in the page before its own scripts: counts object URLs, collects long tasks and CSP
 * violations. Plain JavaScript, serialised by Playwright.
 */
function instrument(): void {
  const probe = {
    live: [] as string[],
    created: 0,
    revoked: 0,
    longTasks: [] as { start: number; duration: number }[],
    cspViolations: [] as string[],
  };
  (window as unknown as { __probe: typeof probe }).__probe = probe;
  const create = URL.createObjectURL.bind(URL);
  const revoke = URL.revokeObjectURL.bind(URL);
  URL.createObjectURL = (object: Blob | MediaSource): string => {
    const url = create(object);
    probe.live.push(url);
    probe.created++;
    return url;
  };
  URL.revokeObjectURL = (url: string): void => {
    const at = probe.live.indexOf(url);
    if (at >= 0) probe.live.splice(at, 1);
    probe.revoked++;
    revoke(url);
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('securitypolicyviolation', (event) => {
    probe.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
  });
}

/** What the instrumentation saw. */
interface Probe {
  readonly live: string[];
  readonly created: number;
  readonly revoked: number;
  readonly longTasks: { readonly start: number; readonly duration: number }[];
  readonly cspViolations: string[];
}

/** One browser with the example open, and everything observed about it. */
export interface ExampleSession {
  readonly page: Page;
  readonly origin: string;
  /** Every request the page and its workers made (full URLs). */
  readonly requests: string[];
  /** Console lines from the page and its workers. */
  readonly consoleLines: string[];
  /** Workers started, and whether each has closed. */
  readonly workers: { readonly url: string; closed: boolean }[];
  probe(): Promise<Probe>;
  /** Empty the long-task and CSP lists (before a generation). */
  resetProbe(): Promise<void>;
  close(): Promise<void>;
}

let server: StaticServer | undefined;

/** The example's recorded template, as served at `/templates/velvet-stripes/`. */
export const recordedTemplateDir = path.join(exampleRoot, 'public', 'templates', 'velvet-stripes');

/**
 * Served beside the example for the tests only: the recorded template's manifest in a folder
 * without its video.
 */
export const brokenTemplateUrl = '/e2e/no-video/manifest.json';

/** The built example, served with the documented CSP on every response. */
export async function exampleServer(): Promise<StaticServer> {
  server ??= await startStaticServer(
    path.join(exampleRoot, 'dist'),
    { 'Content-Security-Policy': vopopCsp },
    { [brokenTemplateUrl]: { type: 'application/json', body: readFileSync(path.join(recordedTemplateDir, 'manifest.json')) } },
  );
  return server;
}

/** Stop the shared server (afterAll). */
export async function stopExampleServer(): Promise<void> {
  await server?.close();
  server = undefined;
}

/** Launch Chromium on the example page. */
export async function openExample(): Promise<ExampleSession> {
  return openPage((await exampleServer()).origin, '/');
}

/**
 * Launch Chromium on `pathname` at `origin`, instrumented, and wait until the page sets
 * `document.body.dataset.ready`.
 */
export async function openPage(origin: string, pathname: string): Promise<ExampleSession> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'vopop-e2e-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    acceptDownloads: true,
    viewport: { width: 1100, height: 900 },
  });
  const requests: string[] = [];
  const consoleLines: string[] = [];
  const workers: { url: string; closed: boolean }[] = [];
  const onConsole = (from: string) => (message: ConsoleMessage) => {
    consoleLines.push(`${from} ${message.type()}: ${message.text()}`);
  };
  context.on('request', (request) => requests.push(request.url()));
  await context.addInitScript(instrument);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', onConsole('page'));
  page.on('pageerror', (error) => consoleLines.push(`page pageerror: ${error.message}`));
  page.on('worker', (worker: PlaywrightWorker) => {
    const record = { url: worker.url(), closed: false };
    workers.push(record);
    worker.on('console', onConsole('worker'));
    worker.on('close', () => {
      record.closed = true;
    });
  });
  await page.goto(`${origin}${pathname}`);
  // The page starts its first worker on load; wait until it is ready (or reported not to be).
  await page.waitForFunction(() => document.body.dataset['ready'] !== undefined, null, { timeout: 60_000 });
  return {
    page,
    origin,
    requests,
    consoleLines,
    workers,
    probe: () => page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __probe: Probe }).__probe)) as Probe),
    resetProbe: () =>
      page.evaluate(() => {
        const probe = (window as unknown as { __probe: Probe }).__probe;
        probe.longTasks.length = 0;
        probe.cspViolations.length = 0;
      }),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Long tasks over `limitMs` on the page's main thread that overlap the generation (between the
 * page's `vopop:generation-start` and `vopop:generation-end` marks).
 */
export async function longTasksDuringGeneration(session: ExampleSession, limitMs = 100): Promise<number[]> {
  const marks = await session.page.evaluate(() => {
    const start = performance.getEntriesByName('vopop:generation-start').at(-1)?.startTime ?? null;
    const end = performance.getEntriesByName('vopop:generation-end').at(-1)?.startTime ?? null;
    return { start, end };
  });
  if (marks.start === null || marks.end === null) throw new Error('The page did not mark its generation.');
  const { longTasks } = await session.probe();
  return longTasks
    .filter((task) => task.start < marks.end! && task.start + task.duration > marks.start!)
    .map((task) => Math.round(task.duration))
    .filter((duration) => duration > limitMs);
}

/**
 * Accept the page's notice the way a person does: confirm the age and agree, which records the
 * consent and enables Generate.
 */
async function acceptNotice(page: Page): Promise<void> {
  await page.check('#age');
  await page.check('#consent');
}

/** Pick a photo (a fixture name or raw bytes), accept the notice, press Generate, wait for the end. */
export async function generate(
  session: ExampleSession,
  photo: string | { readonly name: string; readonly mimeType: string; readonly buffer: Buffer },
  options: { readonly template?: string; readonly wait?: boolean } = {},
): Promise<void> {
  const { page } = session;
  await page.setInputFiles('#photo', typeof photo === 'string' ? path.join(facesDir, photo) : photo);
  if (options.template) await page.selectOption('#template', options.template);
  await acceptNotice(page);
  await session.resetProbe();
  await page.click('#generate');
  if (options.wait ?? true) await waitUntilIdle(page);
}

/** Wait until the page is ready for another generation. */
export async function waitUntilIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const button = document.querySelector<HTMLButtonElement>('#generate');
      return button !== null && !button.disabled && document.querySelector('#message')?.textContent !== '';
    },
    null,
    { timeout: 90_000 },
  );
}

/** The page's status line, its tone, and the SDK error code behind it (if any). */
export async function message(page: Page): Promise<{ text: string; tone: string | undefined; code: string | undefined }> {
  return page.evaluate(() => {
    const element = document.querySelector<HTMLElement>('#message')!;
    return { text: element.textContent ?? '', tone: element.dataset['tone'], code: element.dataset['code'] };
  });
}

/**
 * Add a choice to the page's template picker that loads `templateUrl`, the way the example's own
 * recorded templates do, and select it.
 */
export async function pickTemplateUrl(page: Page, templateUrl: string): Promise<void> {
  await page.evaluate((url) => {
    const option = document.createElement('option');
    option.value = `url:${url}`;
    option.textContent = 'e2e';
    option.dataset['templateUrl'] = url;
    document.querySelector<HTMLSelectElement>('#template')!.append(option);
  }, templateUrl);
  await page.selectOption('#template', `url:${templateUrl}`);
}

/** Wait for every worker the page started to be terminated. */
export async function workersClosed(session: ExampleSession): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (session.workers.length > 0 && session.workers.every((worker) => worker.closed)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
