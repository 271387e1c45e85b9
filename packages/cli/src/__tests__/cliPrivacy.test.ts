import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDisclosures, noCollectionStatement, parseSdkPrivacyConfig } from '@vopop/core';
import { memoryIo } from './memoryIo';
import { privacyCommand } from '../privacyCommand';

const examples = join(__dirname, '../../../../examples/privacy');
const folders: string[] = [];

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'vopop-privacy-'));
  folders.push(made);
  return made;
}

afterEach(() => {
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});

describe('vopop privacy', () => {
  it.each(['on-device.json', 'remote-telemetry.json'])('writes the four disclosures for examples/privacy/%s', async (name) => {
    const out = join(folder(), 'disclosures');
    const io = memoryIo();
    expect(await privacyCommand(['--config', join(examples, name), '--out', out], io)).toBe(0);
    expect(io.err).toBe('');
    expect(readdirSync(out).sort()).toEqual(['PrivacyInfo.xcprivacy', 'play-data-safety.json', 'privacy-notice.md', 'retention-schedule.md']);
    const expected = generateDisclosures(parseSdkPrivacyConfig(JSON.parse(readFileSync(join(examples, name), 'utf8'))));
    for (const [file, text] of Object.entries(expected)) expect(readFileSync(join(out, file), 'utf8')).toBe(text);
    const notice = readFileSync(join(out, 'privacy-notice.md'), 'utf8');
    expect(notice.includes(noCollectionStatement)).toBe(name === 'on-device.json');
  });

  it('refuses to replace existing files without --force, and replaces them with it', async () => {
    const out = folder();
    const config = join(examples, 'on-device.json');
    expect(await privacyCommand(['--config', config, '--out', out], memoryIo())).toBe(0);
    const io = memoryIo();
    expect(await privacyCommand(['--config', config, '--out', out], io)).toBe(9);
    expect(await privacyCommand(['--config', config, '--out', out, '--force'], memoryIo())).toBe(0);
  });

  const secret = 'jane-doe-private';
  it.each<[string, string | undefined, number, RegExp]>([
    ['a missing file', undefined, 3, /does not exist/],
    ['a file that is not JSON', '{ not json', 2, /not valid UTF-8 JSON/],
    ['an invalid configuration', JSON.stringify({ appName: secret }), 2, /privacy configuration: /],
    ['remote without endpoints', JSON.stringify({ ...JSON.parse(readFileSync(join(examples, 'on-device.json'), 'utf8')), modes: ['remote'] }), 2, /remoteEndpoints/],
  ])('%s: a typed error, nothing written, and the path never echoed', async (_name, content, code, message) => {
    const base = folder();
    const config = join(base, `${secret}.json`);
    if (content !== undefined) writeFileSync(config, content);
    const out = join(base, 'out');
    const io = memoryIo();
    expect(await privacyCommand(['--config', config, '--out', out, '--json'], io)).toBe(code);
    const { error } = JSON.parse(io.out) as { error: { code: string; message: string } };
    expect(error.message).toMatch(message);
    expect(io.out + io.err).not.toContain(secret);
    expect(readdirSync(base).filter((n) => n === 'out')).toEqual([]);
  });

  it('usage error without --config or --out', async () => {
    const io = memoryIo();
    expect(await privacyCommand(['--out', folder()], io)).toBe(2);
    expect(io.err).toContain('Usage: vopop privacy');
  });
});
