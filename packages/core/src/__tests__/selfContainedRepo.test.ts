import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { facesDir } from '../../../../fixtures/faces/facesDir';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');

/** Tracked and untracked-but-not-ignored files: what a commit of this tree would hold. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' });
  return out.split('\0').filter(Boolean);
}

// A user's clone has nothing beside it: a path out of the repository to the shared research
// folder passes on a developer's machine and in CI, and fails for everyone else.
const outsideReference = /\.\.\/shared\b|['"]\.\.['"],\s*['"]shared['"]|shared\/fixtures/;

describe('the repository stands alone', () => {
  it('no code or configuration reads the folder beside the repository', () => {
    const offenders = repoFiles()
      .filter((file) => /\.(ts|tsx|mts|cts|js|mjs|cjs|json|yaml|yml)$/.test(file) || file.startsWith('.ci/'))
      .filter((file) => file !== 'pnpm-lock.yaml')
      .filter((file) => outsideReference.test(readFileSync(join(repoRoot, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the pattern catches the forms the tests used to have', () => {
    // Spelled in pieces so that this file itself holds no such path.
    expect(outsideReference.test(`resolve(repoRoot, '..', '${'shared'}', 'fixtures', 'faces')`)).toBe(true);
    expect(outsideReference.test(`'../../../../../${'shared'}/${'fixtures'}/faces'`)).toBe(true);
    expect(outsideReference.test("resolve(repoRoot, 'fixtures', 'faces')")).toBe(false);
  });

  it('the face fixtures are in the repository with the hashes their NOTICE lists', () => {
    const notice = readFileSync(join(facesDir, 'NOTICE.md'), 'utf8');
    const listed = [...notice.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)].map(([, hash, file]) => ({ file: file!, hash: hash! }));
    expect(listed.map(({ file }) => file).sort()).toEqual(['astronaut.png', 'portrait.jpg', 'portrait_small.jpg', 'pose_small_face.jpg', 'three_people.jpg', 'upright_low_score.jpg']);
    for (const { file, hash } of listed) {
      expect(createHash('sha256').update(readFileSync(join(facesDir, file))).digest('hex'), file).toBe(hash);
    }
  });
});
