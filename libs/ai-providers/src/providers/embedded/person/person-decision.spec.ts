import { describe, expect, it } from 'vitest';
import { assessPerson, PERSON_RULE } from './person-decision';
import type { PersonProbability } from './selfie-segmenter';

const SIZE = 64;

/** A grid with probability `p` inside the rectangle [x0, x1) × [y0, y1) (fractions of the side), `bg` outside. */
function grid(x0: number, y0: number, x1: number, y1: number, p: number, bg = 0.01): PersonProbability {
  const data = new Float32Array(SIZE * SIZE).fill(bg);
  for (let y = Math.round(y0 * SIZE); y < Math.round(y1 * SIZE); y++) {
    for (let x = Math.round(x0 * SIZE); x < Math.round(x1 * SIZE); x++) data[y * SIZE + x] = p;
  }
  return { data, size: SIZE };
}

describe('assessPerson (when the person model is trusted)', () => {
  it('trusts a large, decisive subject reaching the bottom edge (a head-and-shoulders portrait)', () => {
    const a = assessPerson(grid(0.25, 0.2, 0.75, 1, 0.98));
    expect(a.area).toBeCloseTo(0.4, 1);
    expect(a.certainty).toBe(1);
    expect(a.innerShare).toBeGreaterThan(PERSON_RULE.minInnerShare);
    expect(a.confident).toBe(true);
  });

  it('rejects a subject too small to be a portrait', () => {
    const a = assessPerson(grid(0.45, 0.45, 0.55, 0.55, 0.98)); // 1 % of the frame
    expect(a.area).toBeLessThan(PERSON_RULE.minArea);
    expect(a.confident).toBe(false);
  });

  it('rejects an undecided response (large grey region, as on cartoons and texture)', () => {
    const a = assessPerson(grid(0.2, 0.2, 0.8, 0.9, 0.7));
    expect(a.area).toBeGreaterThan(PERSON_RULE.minArea);
    expect(a.certainty).toBe(0);
    expect(a.confident).toBe(false);
  });

  it('rejects a detection that hugs the image border', () => {
    const a = assessPerson(grid(0, 0, 0.06, 1, 0.98)); // a strip down the left edge
    expect(a.area).toBeGreaterThan(PERSON_RULE.minArea);
    expect(a.innerShare).toBeLessThan(PERSON_RULE.minInnerShare);
    expect(a.confident).toBe(false);
  });

  it('finds nothing in an empty response', () => {
    expect(assessPerson(grid(0, 0, 0, 0, 1))).toEqual({ area: 0, certainty: 0, innerShare: 0, confident: false });
  });

  it('applies each threshold as given', () => {
    const portrait = grid(0.25, 0.2, 0.75, 1, 0.98);
    expect(assessPerson(portrait, { ...PERSON_RULE, minArea: 0.5 }).confident).toBe(false);
    expect(assessPerson(grid(0.25, 0.2, 0.75, 1, 0.85), PERSON_RULE).confident).toBe(false);
    expect(assessPerson(grid(0.25, 0.2, 0.75, 1, 0.85), { ...PERSON_RULE, minCertainty: 0 }).confident).toBe(true);
  });
});
