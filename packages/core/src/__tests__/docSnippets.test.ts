import { beforeAll, describe, expect, it } from 'vitest';
import type { Snippet } from '../../../../scripts/docSnippets';
import {
  allSnippets,
  checkOtherBlocks,
  checkShell,
  markedSnippet,
  typeCheck,
  typeCheckedLanguages,
} from '../../../../scripts/docSnippets';

// Every code block of README.md and docs/*.md, checked the way scripts/docSnippets.ts says, so
// that an API change that breaks a documented example fails here instead of on a reader.
const snippets = allSnippets();
const code = snippets.filter((snippet) => typeCheckedLanguages.has(snippet.language));

function fake(language: string, text: string, context = '', at = 'fake.md:1'): Snippet {
  return { at, language, code: `${text}\n`, context, marker: undefined };
}

// Mutants beside the real blocks, in the same (slow) type-check: each must be caught.
const mutants = [
  fake('ts', "import { generateVideo } from '@vopop/node-adapter';\nawait generateVideo({ photo: 1 });", '', 'mutant.md:10'),
  fake('js', "import { createNodePlatform } from '@vopop/node-adapter';\nawait createNodePlatform({ decoder: 'sharp' });", '', 'mutant.md:20'),
  fake('ts', 'signal.abort();', '', 'mutant.md:30'),
  fake('ts', 'signal.throwIfAborted();', 'declare const signal: AbortSignal;', 'mutant.md:40'),
];
let problems: string[] = [];
beforeAll(() => {
  problems = typeCheck([...code, ...mutants]);
});

describe('documentation code blocks', () => {
  it('finds the blocks, TypeScript and JavaScript among them', () => {
    expect(code.length).toBeGreaterThanOrEqual(15);
    expect(code.some((snippet) => snippet.language === 'js')).toBe(true);
  });

  it('every TypeScript and JavaScript block type-checks against the packages', () => {
    expect(problems.filter((line) => !line.startsWith('mutant.md'))).toEqual([]);
  });

  it('every shell, JSON and prose block passes its check', () => {
    expect(checkOtherBlocks(snippets)).toEqual([]);
  });

  it('the README has exactly one plain-JavaScript example for the packed install, without `using`', () => {
    const example = markedSnippet('README.md', 'packed-install');
    expect(example.language).toBe('js');
    expect(example.code).not.toMatch(/\busing\s+\w+\s*=/);
    expect(example.code).toContain("from '@vopop/node-adapter'");
  });

  // The checks must be able to fail.
  it('a snippet that calls an API wrongly, or names a missing thing, is caught', () => {
    const caught = problems.filter((line) => line.startsWith('mutant.md'));
    expect(caught.some((line) => line.startsWith('mutant.md:12: TS2'))).toBe(true); // photo: 1, no consent
    expect(caught.some((line) => line.startsWith('mutant.md:22: TS2'))).toBe(true); // decoder: 'sharp' in plain JavaScript
    expect(caught).toContain("mutant.md:31: TS2304 Cannot find name 'signal'.");
    expect(caught.filter((line) => line.startsWith('mutant.md:4'))).toEqual([]); // declared by its context
    expect(checkShell(fake('sh', 'pnpm no-such-script'))).toHaveLength(1);
    expect(checkShell(fake('sh', 'npx vopop no-such-command --json'))).toHaveLength(1);
    expect(checkShell(fake('sh', 'pnpm --filter @vopop/example-web nope'))).toHaveLength(1);
    expect(checkShell(fake('sh', 'if then fi'))).toHaveLength(1);
    expect(checkShell(fake('sh', 'pnpm install && pnpm test   # fine\nnpx vopop web-assets --out x'))).toEqual([]);
    expect(
      checkOtherBlocks([
        fake('json', '{ "a": 1, }'),
        fake('', 'pnpm test'),
        fake('python', 'x'),
        fake('dockerfile', 'FROM node:20\nRUN a \\\n  b\nCOPYY . .'),
        fake('yaml', 'a:\n\tb: 1'),
      ]),
    ).toHaveLength(5);
  });
});
