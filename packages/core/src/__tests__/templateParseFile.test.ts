import { describe, expect, it } from 'vitest';
import { TemplateInvalidError } from '../errors/templateInvalidError';
import { builtInTemplates } from '../templates/builtInTemplates';
import { parseTemplateFile } from '../templates/parseTemplateFile';

const encode = (text: string) => new TextEncoder().encode(text);

function issuesOf(bytes: Uint8Array): readonly { path: string; message: string }[] {
  try {
    parseTemplateFile(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateInvalidError);
    return (error as TemplateInvalidError).issues;
  }
  throw new Error('parseTemplateFile accepted the bytes');
}

describe('parseTemplateFile', () => {
  const manifest = JSON.stringify(builtInTemplates[0]);

  it('reads a UTF-8 JSON manifest, with or without a byte-order mark', () => {
    expect(parseTemplateFile(encode(manifest)).id).toBe(builtInTemplates[0]!.id);
    expect(parseTemplateFile(encode(`\uFEFF${manifest}`)).id).toBe(builtInTemplates[0]!.id);
  });

  it('refuses text that is not UTF-8, and text that is not JSON, at (file)', () => {
    const latin1 = encode(manifest.replace('"title":"', '"title":"X'));
    latin1[latin1.indexOf('X'.charCodeAt(0))] = 0xe9; // é in Latin-1, an invalid UTF-8 byte here
    expect(issuesOf(latin1)).toEqual([{ path: '(file)', message: 'template file is not UTF-8 text' }]);
    expect(issuesOf(encode(manifest.slice(0, -1)))).toEqual([{ path: '(file)', message: 'template file is not valid JSON' }]);
  });

  it('reports a JSON manifest that is not a template where it is wrong, not at (file)', () => {
    const issues = issuesOf(encode(JSON.stringify({ ...builtInTemplates[0], fps: 0 })));
    expect(issues[0]?.path).toBe('fps');
  });
});
