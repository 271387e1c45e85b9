import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  consentPolicyFor,
  generateDisclosures,
  noCollectionStatement,
  parseSdkPrivacyConfig,
  playDataSafety,
  privacyManifest,
  privacyNotice,
} from '../index';
import type { SdkPrivacyConfig } from '../index';

const examples = join(__dirname, '../../../../examples/privacy');
const example = (name: string): SdkPrivacyConfig =>
  parseSdkPrivacyConfig(JSON.parse(readFileSync(join(examples, name), 'utf8')));

const parsed = new Map<string, Record<string, unknown>>();

/** Parse a property list with a real parser (Python's plistlib), back as JSON; once per text. */
function parsePlist(xml: string): Record<string, unknown> {
  const script = 'import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read(), fmt=plistlib.FMT_XML)))';
  let result = parsed.get(xml);
  if (!result) {
    const output = execFileSync('python3', ['-c', script], { input: xml, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    result = JSON.parse(output) as Record<string, unknown>;
    parsed.set(xml, result);
  }
  return result;
}

const base = example('on-device.json');
const remote = (config: SdkPrivacyConfig): SdkPrivacyConfig => ({
  ...config,
  modes: ['on-device', 'remote'],
  remoteEndpoints: ['https://render.example.com'],
});
const telemetry = (config: SdkPrivacyConfig): SdkPrivacyConfig => ({ ...config, telemetry: true });
const noSave = (config: SdkPrivacyConfig): SdkPrivacyConfig => ({ ...config, saveToLibrary: false });

const appleTypes = (config: SdkPrivacyConfig): string[] =>
  (parsePlist(privacyManifest(config))['NSPrivacyCollectedDataTypes'] as { NSPrivacyCollectedDataType: string }[]).map(
    (entry) => entry.NSPrivacyCollectedDataType,
  );
const playTypes = (config: SdkPrivacyConfig): string[] => playDataSafety(config).dataTypes.map((t) => `${t.category}/${t.type}`);

describe('PrivacyInfo.xcprivacy', () => {
  it('on-device only: a property list with the documented keys, no tracking and no collected data', () => {
    const plist = parsePlist(privacyManifest(base));
    expect(Object.keys(plist).sort()).toEqual([
      'NSPrivacyAccessedAPITypes',
      'NSPrivacyCollectedDataTypes',
      'NSPrivacyTracking',
      'NSPrivacyTrackingDomains',
    ]);
    expect(plist).toEqual({
      NSPrivacyTracking: false,
      NSPrivacyTrackingDomains: [],
      NSPrivacyCollectedDataTypes: [],
      NSPrivacyAccessedAPITypes: [],
    });
  });

  it('remote and telemetry: each entry has the four documented keys, never linked, never tracking', () => {
    const plist = parsePlist(privacyManifest(example('remote-telemetry.json')));
    const entries = plist['NSPrivacyCollectedDataTypes'] as Record<string, unknown>[];
    expect(entries).toEqual([
      {
        NSPrivacyCollectedDataType: 'NSPrivacyCollectedDataTypePhotosorVideos',
        NSPrivacyCollectedDataTypeLinked: false,
        NSPrivacyCollectedDataTypeTracking: false,
        NSPrivacyCollectedDataTypePurposes: ['NSPrivacyCollectedDataTypePurposeAppFunctionality'],
      },
      ...['CrashData', 'PerformanceData', 'ProductInteraction'].map((type) => ({
        NSPrivacyCollectedDataType: `NSPrivacyCollectedDataType${type}`,
        NSPrivacyCollectedDataTypeLinked: false,
        NSPrivacyCollectedDataTypeTracking: false,
        NSPrivacyCollectedDataTypePurposes: ['NSPrivacyCollectedDataTypePurposeAnalytics'],
      })),
    ]);
    expect(plist['NSPrivacyTracking']).toBe(false);
  });

  it('the parser is real: a broken property list is refused', () => {
    expect(() => parsePlist(privacyManifest(base).replace('</dict>', ''))).toThrow();
  });
});

describe('one setting changes exactly its declarations', () => {
  const photos = 'NSPrivacyCollectedDataTypePhotosorVideos';
  const usage = ['NSPrivacyCollectedDataTypeCrashData', 'NSPrivacyCollectedDataTypePerformanceData', 'NSPrivacyCollectedDataTypeProductInteraction'];
  const starts: [string, SdkPrivacyConfig][] = [
    ['on-device', base],
    ['on-device + telemetry', telemetry(base)],
    ['remote', remote(base)],
    ['remote + telemetry', telemetry(remote(base))],
  ];

  it.each(starts)('from %s: enabling remote adds photos (ephemeral), nothing else', (_name, config) => {
    if (config.modes.includes('remote')) return;
    expect(appleTypes(remote(config))).toEqual([photos, ...appleTypes(config)]);
    expect(playTypes(remote(config))).toEqual(['Photos and videos/Photos', ...playTypes(config)]);
    expect(playDataSafety(remote(config)).dataTypes[0]).toMatchObject({ processedEphemerally: true, shared: false, required: false });
  });

  it.each(starts)('from %s: enabling telemetry adds crash, performance and interaction data, nothing else', (_name, config) => {
    if (config.telemetry) return;
    expect(appleTypes(telemetry(config))).toEqual([...appleTypes(config), ...usage]);
    expect(playTypes(telemetry(config))).toEqual([
      ...playTypes(config),
      'App info and performance/Crash logs',
      'App info and performance/Diagnostics',
      'App activity/App interactions',
    ]);
  });

  it.each(starts)('from %s: save-to-library changes no declaration, only the notice', (_name, config) => {
    expect(privacyManifest(noSave(config))).toBe(privacyManifest(config));
    expect(playDataSafety(noSave(config))).toEqual(playDataSafety(config));
    expect(privacyNotice(noSave(config))).not.toBe(privacyNotice(config));
  });

  it.each(starts)('%s: every file, as a snapshot', (_name, config) => {
    expect(generateDisclosures(config)).toMatchSnapshot();
  });
});

describe('privacy notice', () => {
  it('on-device with telemetry off states no collection', () => {
    const notice = privacyNotice(base);
    expect(notice).toContain(noCollectionStatement);
    expect(notice).toContain('processed only on this device');
    expect(notice).not.toMatch(/rendering service|usage statistics/i);
    expect(playDataSafety(base)).toMatchObject({ collectsOrSharesUserData: false, dataTypes: [] });
  });

  it.each([
    ['remote', remote(base)],
    ['telemetry', telemetry(base)],
  ])('with %s it does not claim no collection, and names what leaves', (_name, config) => {
    const notice = privacyNotice(config);
    expect(notice).not.toContain(noCollectionStatement);
    expect(notice).toMatch(config.telemetry ? /opt in/ : /render\.example\.com/);
  });

  it('names the age limit and the notice version the consent policy accepts', () => {
    expect(privacyNotice(base)).toContain('at least 18 years old');
    expect(consentPolicyFor(base)).toEqual({ acceptedNoticeVersions: ['2026-12'], minimumAge: 18 });
  });
});

describe('configuration schema', () => {
  it.each([
    ['remote without endpoints', { ...base, modes: ['remote'] }, /remoteEndpoints/],
    ['endpoints without remote', { ...base, remoteEndpoints: ['https://render.example.com'] }, /remoteEndpoints/],
    ['an http endpoint', { ...base, modes: ['remote'], remoteEndpoints: ['http://render.example.com'] }, /https origin/],
    ['an endpoint with a path', { ...base, modes: ['remote'], remoteEndpoints: ['https://render.example.com/v1'] }, /https origin/],
    ['an unknown field', { ...base, userId: 'x' }, /file/],
    ['no modes', { ...base, modes: [] }, /modes/],
    ['a missing age', { ...base, minimumAge: undefined }, /minimumAge/],
  ])('refuses %s with InvalidArgumentError', (_name, config, message) => {
    expect(() => parseSdkPrivacyConfig(config)).toThrow(InvalidArgumentError);
    expect(() => parseSdkPrivacyConfig(config)).toThrow(message);
  });
});
