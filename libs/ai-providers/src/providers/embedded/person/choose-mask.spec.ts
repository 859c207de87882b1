import { describe, expect, it } from 'vitest';
import type { Segmentation } from '../background/subject-segmentation';
import { AGREEMENT_IOU, binaryIou, chooseMask } from './choose-mask';
import { personAlpha } from './person-mask';

const confident = { area: 0.3, certainty: 0.95, innerShare: 0.9, confident: true };
const unsure = { ...confident, confident: false };

/** A 10×10 0/1 mask with the first `n` pixels set. */
const mask = (n: number) => Uint8Array.from({ length: 100 }, (_, i) => (i < n ? 1 : 0));
const classical = (n: number): Segmentation => ({ subject: mask(n), distance: new Float32Array(100), threshold: 10, noiseLevel: 1 });

describe('chooseMask (classical or person)', () => {
  it('no confident person: the classical result, or opaque without a plain background', () => {
    expect(chooseMask(undefined, classical(40), undefined)).toBe('classical');
    expect(chooseMask(unsure, classical(40), mask(40))).toBe('classical');
    expect(chooseMask(unsure, undefined, mask(40))).toBe('opaque');
    expect(chooseMask(undefined, undefined, undefined)).toBe('opaque');
  });

  it('a confident person and no plain background: the person mask', () => {
    expect(chooseMask(confident, undefined, mask(40))).toBe('person');
  });

  it('both agree (a person on a studio backdrop): classical, for its sharper edge', () => {
    expect(binaryIou(classical(40).subject, mask(36))).toBeGreaterThanOrEqual(AGREEMENT_IOU);
    expect(chooseMask(confident, classical(40), mask(36))).toBe('classical');
  });

  it('they disagree (classical cut into a busy background): the person mask', () => {
    expect(binaryIou(classical(90).subject, mask(40))).toBeLessThan(AGREEMENT_IOU);
    expect(chooseMask(confident, classical(90), mask(40))).toBe('person');
  });
});

describe('personAlpha (probability grid → alpha at analysis size)', () => {
  it('upsamples to the requested size: opaque inside, clear outside, a soft band only at the edge', () => {
    const size = 8;
    const data = new Float32Array(size * size).fill(0.02);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) data[y * size + x] = 0.98;
    const alpha = personAlpha({ data, size }, 80, 40);
    expect(alpha.length).toBe(80 * 40);
    expect(alpha[20 * 80 + 40]).toBe(255); // centre
    expect(alpha[2 * 80 + 2]).toBe(0); // corner
    const partial = alpha.filter((a) => a > 0 && a < 255).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(alpha.length * 0.25);
  });
});
