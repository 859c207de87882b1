import { describe, expect, it } from 'vitest';
import { SELFIE_SIZE, selfieInput } from './selfie-preprocessing';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  }
  return { data, width, height };
}

/** The RGB triple at output cell (x, y). */
const at = (t: Float32Array, x: number, y: number, size = SELFIE_SIZE) => Array.from(t.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));

describe('selfieInput (model preprocessing)', () => {
  it('is NHWC [256, 256, 3] with RGB scaled to [0, 1]', () => {
    const t = selfieInput(image(300, 200, () => [255, 51, 0, 255]));
    expect(t.length).toBe(SELFIE_SIZE * SELFIE_SIZE * 3);
    for (const [x, y] of [[0, 0], [255, 255], [100, 30]] as const) {
      const [r, g, b] = at(t, x, y);
      expect(r).toBeCloseTo(1, 5);
      expect(g).toBeCloseTo(0.2, 5);
      expect(b).toBeCloseTo(0, 5);
    }
  });

  it('keeps the layout: left/right and top/bottom end up where they were (stretched to the square)', () => {
    const t = selfieInput(image(400, 100, (x, y) => [x < 200 ? 255 : 0, y < 50 ? 255 : 0, 0, 255]));
    expect(at(t, 10, 10)).toEqual([1, 1, 0]);
    expect(at(t, 245, 10)).toEqual([0, 1, 0]);
    expect(at(t, 10, 245)).toEqual([1, 0, 0]);
    expect(at(t, 245, 245)).toEqual([0, 0, 0]);
  });

  it('averages when shrinking instead of sampling (a 1-px checkerboard becomes mid grey)', () => {
    const t = selfieInput(image(512, 512, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255])));
    const worst = t.reduce((m, v) => Math.max(m, Math.abs(v - 0.5)), 0);
    expect(worst).toBeLessThan(1e-6);
  });

  it('interpolates nothing when enlarging a tiny image: each source pixel covers its cells', () => {
    const t = selfieInput(image(2, 1, (x) => (x === 0 ? [255, 0, 0, 255] : [0, 0, 255, 255])));
    expect(at(t, 0, 0)).toEqual([1, 0, 0]);
    expect(at(t, 127, 200)).toEqual([1, 0, 0]);
    expect(at(t, 128, 0)).toEqual([0, 0, 1]);
  });

  it('shows transparent pixels as mid grey whatever their stored colour', () => {
    const t = selfieInput(image(64, 64, () => [255, 0, 0, 0]));
    expect(at(t, 5, 5)).toEqual([0.5, 0.5, 0.5]);
  });
});
