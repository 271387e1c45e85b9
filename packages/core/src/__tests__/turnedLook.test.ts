/**
 * When a turned look of a photo replaces the upright one: the box detector's scores measured on
 * the fixtures (wasm), each turned 90°, 180° and 270° without an EXIF tag, and on upright faces
 * it was unsure of (frames of the SDK's own videos).
 */
import { describe, expect, it } from 'vitest';
import { turnedLookWins } from '../detect/createFaceDetector';

describe('turnedLookWins', () => {
  it('takes the right way up of every turned fixture over its upright look', () => {
    // [the right turn's score, the upright look's score], per fixture and turn.
    const turnedPhotos: readonly (readonly [number, number])[] = [
      [0.922, 0.75], [0.922, 0.54], [0.922, 0.792], // portrait.jpg
      [0.922, 0.774], [0.922, 0.647], [0.922, 0.79], // astronaut.png
      [0.961, 0.71], [0.961, 0.789], [0.961, 0.747], // three_people.jpg
      [0.868, 0.72], [0.868, 0.756], [0.868, 0.703], // portrait_small.jpg
    ];
    for (const [turned, upright] of turnedPhotos) expect(turnedLookWins(turned, upright)).toBe(true);
  });

  it('keeps an unsure upright look that an unsure turned one beats by a tenth or less', () => {
    // Upright frames of the SDK's own videos (upright_low_score.jpg is the first).
    expect(turnedLookWins(0.753, 0.712)).toBe(false);
    expect(turnedLookWins(0.775, 0.671)).toBe(false);
  });

  it('takes a turned look that is sure of itself, or one where the upright look found nothing', () => {
    expect(turnedLookWins(0.86, 0.84)).toBe(true);
    expect(turnedLookWins(0.6, 0)).toBe(true);
  });
});
