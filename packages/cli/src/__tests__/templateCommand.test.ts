import { describe, expect, it } from 'vitest';
import { builtInTemplates, defaultTemplateId } from '@vopop/core';
import { memoryIo } from './memoryIo';
import { templatesCommand } from '../templatesCommand';

describe('vopop templates', () => {
  it('--json prints exactly one object listing every built-in', async () => {
    const io = memoryIo();
    expect(await templatesCommand(['--json'], io)).toBe(0);
    expect(io.err).toBe('');
    const parsed = JSON.parse(io.out) as { templates: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['templates']);
    expect(parsed.templates.map((t) => t.id)).toEqual(builtInTemplates.map((t) => t.id));
    const first = parsed.templates[0]!;
    expect(first).toMatchObject({ width: 720, height: 1280, fps: 30, frameCount: 90, durationSeconds: 3, licence: 'Apache-2.0' });
    expect(parsed.templates.filter((t) => t.isDefault).map((t) => t.id)).toEqual([defaultTemplateId]);
    expect(parsed.templates.map((t) => t.cutout)).toEqual(builtInTemplates.map((t) => t.cutout ?? 'face'));
    expect(parsed.templates.every((t) => t.cutout === 'face' || t.cutout === 'head')).toBe(true);
  });

  it('prints a table with id, title, size, fps, duration and licence by default', async () => {
    const io = memoryIo();
    expect(await templatesCommand([], io)).toBe(0);
    const lines = io.out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+TITLE\s+SIZE\s+FPS\s+DURATION\s+LICENCE$/);
    for (const t of builtInTemplates) {
      const line = lines.find((l) => l.startsWith(`${t.id} `));
      expect(line, t.id).toBeDefined();
      expect(line).toContain(t.title);
      expect(line).toContain('720x1280');
      expect(line).toContain('3.0 s');
    }
    expect(lines.find((l) => l.startsWith(defaultTemplateId))).toContain('*');
  });

  it('exits 2 with usage on stderr for an unknown argument, and 0 for --help', async () => {
    const io = memoryIo();
    expect(await templatesCommand(['--yaml'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('Usage: vopop templates');
    const help = memoryIo();
    expect(await templatesCommand(['--help'], help)).toBe(0);
    expect(help.out).toContain('Usage: vopop templates');
  });
});
