import type { ConsentRecord, EphemeralHandle, GenerationProgress, PurgeReceipt, VopopClient, VopopWorkerInfo } from '@vopop/web-adapter';
import {
  builtInTemplates,
  consentPolicyFor,
  createVopopClient,
  defaultTemplateId,
  isVopopError,
  parseSdkPrivacyConfig,
  privacyNotice,
} from '@vopop/web-adapter';
// The one source of truth for what this app does with a photo: the notice shown below, the
// consent it records and the policy the worker checks all come from it, and the same file gives
// the app-store declarations (`vopop privacy --config privacy.config.json --out <dir>`).
import privacySettings from '../privacy.config.json';
import { noticeElements } from './noticeView';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
};

const form = $<HTMLFormElement>('form');
const photoInput = $<HTMLInputElement>('photo');
const photoInfo = $<HTMLElement>('photo-info');
const templateSelect = $<HTMLSelectElement>('template');
const noticeBox = $<HTMLElement>('notice');
const ageBox = $<HTMLInputElement>('age');
const ageLabel = $<HTMLElement>('age-label');
const consentBox = $<HTMLInputElement>('consent');
const consentLabel = $<HTMLElement>('consent-label');
const consentStatus = $<HTMLElement>('consent-status');
const generateButton = $<HTMLButtonElement>('generate');
const cancelButton = $<HTMLButtonElement>('cancel');
const progressBar = $<HTMLProgressElement>('progress');
const stageLabel = $<HTMLElement>('stage');
const message = $<HTMLElement>('message');
const resultSection = $<HTMLElement>('result');
const video = $<HTMLVideoElement>('video');
const videoInfo = $<HTMLElement>('video-info');
const saveButton = $<HTMLButtonElement>('save');
const discardButton = $<HTMLButtonElement>('discard');
const receiptSection = $<HTMLElement>('receipt');
const receiptSummary = $<HTMLElement>('receipt-summary');
const receiptRows = $<HTMLElement>('receipt-rows');

const privacyConfig = parseSdkPrivacyConfig(privacySettings);
// This page renders on the device; a configuration that did not say so would show a notice that
// does not describe what the page does.
if (!privacyConfig.modes.includes('on-device')) throw new Error('privacy.config.json must list the on-device mode this page uses.');

noticeBox.replaceChildren(...noticeElements(privacyNotice(privacyConfig)));
ageLabel.textContent = `I am at least ${privacyConfig.minimumAge} years old.`;
consentLabel.textContent =
  `I am the person in the photo I pick (or have their permission), I have read the notice above ` +
  `(version ${privacyConfig.noticeVersion}), and I agree that the photo is processed on this device, as it describes, to make the video.`;

/** The person's agreement, recorded when both boxes are ticked; Generate waits for it (P8). */
let consent: ConsentRecord | undefined;

/**
 * Templates with a recorded background, served by this site (public/templates/): a video, and
 * a still image. The worker fetches the manifest and its files from here, which the CSP's
 * `connect-src 'self'` allows. The URL is relative to the page; the client resolves it before it
 * reaches the worker.
 */
const recordedTemplates = [
  { id: 'velvet-stripes', title: 'Velvet Stripes (recorded video)', url: 'templates/velvet-stripes/manifest.json' },
  { id: 'paper-still', title: 'Paper Still (one image)', url: 'templates/paper-still/manifest.json' },
] as const;

const builtInGroup = document.createElement('optgroup');
builtInGroup.label = 'Built in';
for (const template of builtInTemplates) {
  const option = document.createElement('option');
  option.value = template.id;
  option.textContent = template.title ?? template.id;
  option.selected = template.id === defaultTemplateId;
  builtInGroup.append(option);
}
const recordedGroup = document.createElement('optgroup');
recordedGroup.label = 'Recorded, loaded from this site';
for (const template of recordedTemplates) {
  const option = document.createElement('option');
  option.value = template.id;
  option.textContent = template.title;
  option.dataset['templateUrl'] = template.url;
  recordedGroup.append(option);
}
templateSelect.append(builtInGroup, recordedGroup);

/** The chosen template: a built-in id, or the URL of a manifest on this site. */
function chosenTemplate(): { readonly template: string } | { readonly templateUrl: string } {
  const templateUrl = templateSelect.selectedOptions[0]?.dataset['templateUrl'];
  return templateUrl === undefined ? { template: templateSelect.value } : { templateUrl };
}

interface Shown {
  readonly video: EphemeralHandle<Uint8Array>;
  readonly url: string;
  readonly mimeType: string;
  readonly container: string;
}

let client: VopopClient | undefined;
/** A worker started ahead of the first generation, with its models loaded and verified. */
let prepared: Promise<VopopWorkerInfo> | undefined;
let running: AbortController | undefined;
let shown: Shown | undefined;
/** Whether the first worker is still loading its models. */
let preparing = false;

/** Generate needs a consent record, an idle page, and the first worker's start behind it. */
function refreshGenerate(): void {
  generateButton.disabled = preparing || running !== undefined || consent === undefined;
}

/** Record (or withdraw) the consent from the two boxes, with the notice version it was given under. */
function recordConsent(): void {
  consent =
    ageBox.checked && consentBox.checked
      ? {
          purpose: 'face-video',
          processing: 'on-device',
          noticeVersion: privacyConfig.noticeVersion,
          grantedAt: new Date().toISOString(),
          ageConfirmation: { method: 'self-declared', minimumAge: privacyConfig.minimumAge },
        }
      : undefined;
  consentStatus.textContent = consent
    ? `Consent recorded: notice ${consent.noticeVersion}, processing on this device, age ${privacyConfig.minimumAge}+ confirmed.`
    : 'Generate is available once you have confirmed your age and agreed.';
  consentStatus.dataset['recorded'] = String(consent !== undefined);
  refreshGenerate();
}

/** Where the overall bar sits for each stage: rendering is most of the work. */
const stageSpans: Readonly<Record<GenerationProgress['stage'], readonly [number, number, string]>> = {
  decode: [0, 4, 'Reading the photo'],
  detect: [4, 14, 'Finding the face'],
  align: [14, 16, 'Aligning'],
  render: [16, 97, 'Rendering the video'],
  purge: [97, 100, 'Wiping the photo'],
};

function showProgress(progress: GenerationProgress): void {
  const [from, to, label] = stageSpans[progress.stage];
  progressBar.value = from + (to - from) * Math.min(1, Math.max(0, progress.fraction));
  stageLabel.textContent = label;
}

function say(text: string, tone: 'info' | 'error' | 'ok' = 'info', code = ''): void {
  message.textContent = text;
  message.dataset['tone'] = tone;
  // The SDK error's code, for scripts (and the browser tests) that read the outcome.
  message.dataset['code'] = code;
}

/** A message for each failure; the SDK's own text already says what to do. */
function describe(error: unknown): string {
  if (!isVopopError(error)) return 'Something went wrong while making the video. Please try again.';
  switch (error.code) {
    case 'ABORTED':
      return 'Cancelled. Everything made from the photo so far has been wiped.';
    case 'NO_FACE':
      return `No face found. ${error.message}`;
    case 'IMAGE_DECODE':
      return `This file could not be read as a photo. ${error.message}`;
    case 'IMAGE_TOO_LARGE':
      return `This photo is too large. ${error.message}`;
    case 'CONSENT_REQUIRED':
      return 'Please read the notice, confirm your age and agree first.';
    case 'TEMPLATE_INVALID':
      return `This template cannot be used. ${error.message}`;
    default:
      return error.message;
  }
}

function showReceipt(receipt: PurgeReceipt): void {
  const { totals } = receipt;
  receiptSummary.textContent =
    `${totals.handles} items wiped or moved: ${totals.wiped} wiped (${totals.verified} re-read as zeros), ` +
    `${totals.moved} moved (the video), ${totals.failed} failed — ${totals.bytes.toLocaleString('en')} bytes.`;
  receiptSection.dataset['failed'] = String(totals.failed);
  receiptRows.replaceChildren(
    ...receipt.records.map((record) => {
      const row = document.createElement('tr');
      const verified = record.verified === null ? '—' : record.verified ? 'zeros' : 'NOT ZERO';
      for (const [text, numeric] of [
        [record.kind, false],
        [record.label, false],
        [record.bytes.toLocaleString('en'), true],
        [record.method, false],
        [record.outcome === 'moved' ? 'moved' : verified, false],
      ] as const) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (numeric) cell.className = 'num';
        row.append(cell);
      }
      return row;
    }),
  );
  receiptSection.hidden = false;
}

/** Drop the shown video: revoke its URL and wipe the bytes. */
function discard(): void {
  if (!shown) return;
  video.pause();
  video.removeAttribute('src');
  video.load();
  URL.revokeObjectURL(shown.url);
  shown.video.purge();
  shown = undefined;
  resultSection.hidden = true;
}

function setBusy(busy: boolean): void {
  refreshGenerate();
  cancelButton.disabled = !busy;
  photoInput.disabled = busy;
  templateSelect.disabled = busy;
}

function startClient(): Promise<VopopWorkerInfo> {
  client = createVopopClient({
    worker: () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'vopop' }),
    modelsUrl: '/vopop/models/',
    wasmUrl: '/vopop/tfjs/',
    // The worker refuses a record for another notice version or without the age confirmation.
    consentPolicy: consentPolicyFor(privacyConfig),
  });
  return client.ready();
}

/**
 * Start the first worker as the page opens: models load and the browser sets up its encoder
 * before anyone presses Generate, so none of that start-up lands on the page mid-generation.
 */
function prepareFirstWorker(): void {
  preparing = true;
  refreshGenerate();
  stageLabel.textContent = 'Preparing…';
  prepared = startClient();
  prepared.then(
    (info) => {
      stageLabel.textContent = `Ready (${info.backend}, ${info.codec === 'vp9' ? 'VP9' : 'H.264'})`;
      document.body.dataset['ready'] = 'true';
    },
    (error: unknown) => {
      prepared = undefined;
      endClient();
      stageLabel.textContent = 'Not ready';
      say(describe(error), 'error');
      document.body.dataset['ready'] = 'false';
    },
  ).finally(() => {
    preparing = false;
    refreshGenerate();
  });
}

function endClient(): void {
  // A worker per generation: when it ends, its whole memory goes with it.
  client?.terminate();
  client = undefined;
}

photoInput.addEventListener('change', () => {
  const file = photoInput.files?.[0];
  // The file name may name the person: the page shows only the size.
  photoInfo.textContent = file ? `Photo selected (${Math.ceil(file.size / 1024).toLocaleString('en')} KB).` : '';
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void generate();
});

cancelButton.addEventListener('click', () => {
  running?.abort();
  say('Cancelling…');
});

saveButton.addEventListener('click', () => {
  if (!shown) return;
  // A separate URL for the download, revoked once the browser has picked it up.
  const url = URL.createObjectURL(new Blob([shown.video.value as Uint8Array<ArrayBuffer>], { type: shown.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `vopop-video.${shown.container}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
});

discardButton.addEventListener('click', () => {
  discard();
  say('The video has been discarded and wiped.');
});

// Leaving the page releases the video, too.
window.addEventListener('pagehide', () => {
  running?.abort();
  discard();
  endClient();
});

async function generate(): Promise<void> {
  const file = photoInput.files?.[0];
  if (!file) {
    say('Choose a photo first.', 'error');
    return;
  }
  if (!consent) {
    say('Please read the notice, confirm your age and agree first: the video cannot be made without it.', 'error');
    return;
  }
  // The record as it stands when Generate is pressed is the one this video is made under.
  const agreed = consent;
  discard();
  receiptSection.hidden = true;
  running = new AbortController();
  setBusy(true);
  say('Working on this device…');
  progressBar.value = 0;
  let photo: ArrayBuffer | undefined;
  // Marks around the generation itself, so its effect on the page can be measured apart from
  // what showing the video costs afterwards.
  performance.mark('vopop:generation-start');
  try {
    // The prepared worker if there is one; otherwise a fresh one (a worker serves one generation).
    const ready = prepared ?? startClient();
    prepared = undefined;
    const { backend } = await ready;
    if (!client) throw new Error('The generation was stopped before it started.');
    photo = await file.arrayBuffer();
    const result = await client.generate({
      photo,
      consent: agreed,
      ...chosenTemplate(),
      signal: running.signal,
      onProgress: showProgress,
      onPurged: showReceipt,
    });
    performance.mark('vopop:generation-end');
    const url = URL.createObjectURL(new Blob([result.video.value as Uint8Array<ArrayBuffer>], { type: result.mimeType }));
    shown = { video: result.video, url, mimeType: result.mimeType, container: result.container };
    video.src = url;
    resultSection.hidden = false;
    videoInfo.textContent =
      `${result.width}×${result.height}, ${result.durationSec.toFixed(1)} s, ${result.codec.toUpperCase()} in ` +
      `${result.container.toUpperCase()}, ${(result.video.byteLength / 1024).toFixed(0)} KB — made in ` +
      `${(Object.values(result.timings).reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s (detection on ${backend}).`;
    resultSection.dataset['timings'] = JSON.stringify(result.timings);
    resultSection.dataset['backend'] = backend;
    progressBar.value = 100;
    stageLabel.textContent = 'Done';
    say('Done. The photo and everything made from it have been wiped — see the receipt below.', 'ok');
    void video.play().catch(() => undefined);
  } catch (error) {
    performance.mark('vopop:generation-end');
    progressBar.value = 0;
    stageLabel.textContent = 'Stopped';
    const code = isVopopError(error) ? error.code : '';
    say(describe(error), code === 'ABORTED' ? 'info' : 'error', code);
  } finally {
    // A photo the client refused before sending it (a bad template URL, say) is still here,
    // whole: wipe it. A sent one was transferred and reads as 0 bytes.
    if (photo && photo.byteLength > 0) new Uint8Array(photo).fill(0);
    running = undefined;
    endClient();
    setBusy(false);
    // The same photo must be picked again for another run: its bytes were handed over.
    photoInput.value = '';
    photoInfo.textContent = 'Pick a photo again to make another video.';
  }
}

ageBox.addEventListener('change', recordConsent);
consentBox.addEventListener('change', recordConsent);
// A reload may keep the boxes ticked: what they show is what is recorded.
recordConsent();
prepareFirstWorker();
