import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { assertMeshTrack } from '../render/mesh/meshTrack';

const mesh = (count = 468) => new Float32Array(count * 3).fill(1);

describe('assertMeshTrack', () => {
  it('accepts a 468- and a 478-point track with one mesh per frame', () => {
    expect(() => assertMeshTrack({ pointCount: 468, neutral: mesh(), frames: [mesh(), mesh()] }, 2)).not.toThrow();
    expect(() => assertMeshTrack({ pointCount: 478, neutral: mesh(478), frames: [mesh(478)] }, 1)).not.toThrow();
  });

  it.each([
    ['not an object', null, /must be an object/],
    ['a wrong point count', { pointCount: 100, neutral: mesh(), frames: [mesh()] }, /468 or 478/],
    ['a short neutral', { pointCount: 468, neutral: new Float32Array(10), frames: [mesh()] }, /neutral mesh must be/],
    ['a missing frame', { pointCount: 468, neutral: mesh(), frames: [] }, /exactly 1 frame/],
    ['a 478 frame in a 468 track', { pointCount: 468, neutral: mesh(), frames: [mesh(478)] }, /frame 0 must be/],
    ['a plain array', { pointCount: 468, neutral: mesh(), frames: [[...mesh()]] }, /frame 0 must be/],
    ['a NaN', { pointCount: 468, neutral: mesh(), frames: [mesh().fill(Number.NaN, 7, 8)] }, /frame 0 has a non-finite number at 7/],
  ])('refuses %s with a typed error', (_name, track, message) => {
    expect(() => assertMeshTrack(track, 1)).toThrow(InvalidArgumentError);
    expect(() => assertMeshTrack(track, 1)).toThrow(message);
  });
});
