import { describe, expect, it } from 'vitest';
import { decontaminateEdges } from './decontaminate';

const W = 40;
const H = 30;
const SUBJECT = [200, 40, 30];
const SPILL = [0, 220, 60]; // a green-screen background

/** Transparent green background (x < 16), a 4-pixel soft edge mixed with the green, an opaque red subject (x ≥ 20). */
function greenScreenCutout(): { rgba: Buffer; edgeAlphas: number[] } {
  const edgeAlphas = [0.2, 0.4, 0.6, 0.8];
  const rgba = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      const a = x < 16 ? 0 : x < 20 ? edgeAlphas[x - 16]! : 1;
      for (let c = 0; c < 3; c++) rgba[p + c] = Math.round(a * SUBJECT[c]! + (1 - a) * SPILL[c]!);
      rgba[p + 3] = Math.round(a * 255);
    }
  }
  return { rgba, edgeAlphas };
}

describe('decontaminateEdges', () => {
  it('un-mixes the known background colour from the semi-transparent edge', () => {
    const { rgba } = greenScreenCutout();
    const before = Buffer.from(rgba);
    const changed = decontaminateEdges(rgba, W, H);
    expect(changed).toBe(4 * H);
    for (let y = 0; y < H; y++) {
      for (let x = 16; x < 20; x++) {
        const p = (y * W + x) * 4;
        // Before: visibly green. After: the subject colour, within the rounding of an 8-bit mix divided by α.
        expect(before[p + 1]! - SUBJECT[1]!).toBeGreaterThan(30);
        for (let c = 0; c < 3; c++) expect(Math.abs(rgba[p + c]! - SUBJECT[c]!), `x=${x} c=${c}`).toBeLessThanOrEqual(3);
        expect(rgba[p + 3]).toBe(before[p + 3]); // alpha untouched
      }
    }
    // Fully transparent and fully opaque pixels are untouched.
    for (let y = 0; y < H; y++) {
      for (const x of [0, 15, 20, 39]) {
        const p = (y * W + x) * 4;
        expect([...rgba.subarray(p, p + 4)]).toEqual([...before.subarray(p, p + 4)]);
      }
    }
  });

  it('falls back to the mean of all transparent pixels when none is near the edge pixel', () => {
    const { rgba } = greenScreenCutout();
    // Radius 2: the edge pixels at x = 18, 19 see no transparent pixel (x < 16) within the window.
    decontaminateEdges(rgba, W, H, 2);
    const p = (5 * W + 19) * 4;
    for (let c = 0; c < 3; c++) expect(Math.abs(rgba[p + c]! - SUBJECT[c]!)).toBeLessThanOrEqual(3);
  });

  it('changes nothing without a transparent region or without an edge', () => {
    const opaque = Buffer.alloc(4 * 4 * 4, 255);
    opaque[3] = 128; // an edge, but nothing transparent to learn the background from
    const copy = Buffer.from(opaque);
    expect(decontaminateEdges(opaque, 4, 4)).toBe(0);
    expect(opaque.equals(copy)).toBe(true);
    const hard = Buffer.alloc(4 * 4 * 4); // only α = 0
    expect(decontaminateEdges(hard, 4, 4)).toBe(0);
  });
});
