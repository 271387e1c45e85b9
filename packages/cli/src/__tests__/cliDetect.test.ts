import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cliIo';
import { detectCommand } from '../detectCommand';
import { exitCodes } from '../exitCodes';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const work = mkdtempSync(join(tmpdir(), 'vopop-detect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function detect(...args: string[]) {
  const io = { out: '', err: '', isTTY: false } as CliIo & { out: string; err: string };
  Object.assign(io, { stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) });
  const exit = await detectCommand(args, io);
  return { exit, out: io.out, err: io.err };
}

describe('vopop detect', () => {
  it('prints box, five points, score and pose of portrait.jpg, close to the known positions', async () => {
    const { exit, out } = await detect(join(faces, 'portrait.jpg'), '--json');
    expect(exit).toBe(0);
    const result = JSON.parse(out) as { faces: { box: Record<string, number>; points5: number[][]; score: number; pose: Record<string, number> }[] };
    expect(result.faces).toHaveLength(1);
    const [face] = result.faces;
    expect(Object.keys(face!).sort()).toEqual(['box', 'points5', 'pose', 'score']);
    // Known box from the fixtures' README: xMin 305, xMax 504, yMin 103, yMax 347.
    expect(Math.abs(face!.box.xMin! - 305)).toBeLessThan(5);
    expect(Math.abs(face!.box.xMax! - 504)).toBeLessThan(5);
    expect(Math.abs(face!.box.yMin! - 103)).toBeLessThan(5);
    expect(Math.abs(face!.box.yMax! - 347)).toBeLessThan(5);
    // Eye centres lie between the known inner and outer corners (33/133 and 362/263).
    expect(face!.points5[0]![0]).toBeGreaterThan(345);
    expect(face!.points5[0]![0]).toBeLessThan(383);
    expect(face!.points5[1]![0]).toBeGreaterThan(430);
    expect(face!.points5[1]![0]).toBeLessThan(467);
    expect(face!.score).toBeGreaterThan(0.5);
    expect(Math.abs(face!.pose.yaw!)).toBeLessThan(20);
    // No landmark dump: one face is a few hundred characters, not 468 points.
    expect(out.length).toBeLessThan(400);
  }, 120_000);

  it.each([
    ['no face', [join(faces, 'pose_small_face.jpg')], exitCodes.face, 'NO_FACE'],
    ['several faces under reject', [join(faces, 'three_people.jpg'), '--multiple', 'reject'], exitCodes.face, 'MULTIPLE_FACES'],
    ['bad landmarks value', [join(faces, 'portrait.jpg'), '--landmarks', '500'], exitCodes.usage, 'USAGE'],
  ])('reports %s as one JSON error with its exit code', async (_name, args, code, errorCode) => {
    const { exit, out, err } = await detect(...args, '--json');
    expect(exit).toBe(code);
    expect(JSON.parse(out)).toEqual({ error: { code: errorCode, message: expect.any(String) } });
    expect(err).toBe('');
  }, 120_000);

  it('picks the largest of several faces by default', async () => {
    const { exit, out } = await detect(join(faces, 'three_people.jpg'), '--json');
    expect(exit).toBe(0);
    expect(JSON.parse(out).faces).toHaveLength(1);
  }, 120_000);

  it('reports an unreadable photo for humans on stderr with the input exit code', async () => {
    const text = join(work, 'notes.jpg');
    writeFileSync(text, 'not a photo');
    const { exit, out, err } = await detect(text);
    expect(exit).toBe(exitCodes.input);
    expect(out).toBe('');
    expect(err).toMatch(/^vopop detect: /);
  });
});
