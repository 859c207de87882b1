import { afterAll, describe, expect, it } from 'vitest';
import { OnnxMaskDecoder } from './onnx-mask-decoder';

const decoder = new OnnxMaskDecoder();
afterAll(() => decoder.release());

const alpha = async (values: number[], dims: number[], postprocess: 'minmax' | 'sigmoid', width: number, height: number) =>
  [...(await decoder.toAlpha(Float32Array.from(values), dims, postprocess, width, height)).data];

describe('OnnxMaskDecoder', () => {
  it('min-max scales a saliency map to 0..255 (same size: no resampling)', async () => {
    expect(await alpha([2, 4, 6, 3], [1, 1, 2, 2], 'minmax', 2, 2)).toEqual([0, 128, 255, 64]);
  });

  it('maps logits through a sigmoid', async () => {
    expect(await alpha([-20, 0, 20], [1, 3], 'sigmoid', 3, 1)).toEqual([0, 128, 255]);
  });

  it('rounds each value as Math.round would, to within one level of float32 arithmetic (both post-processings)', async () => {
    const data = Array.from({ length: 4096 }, (_, i) => Math.fround(Math.sin(i * 0.37) * 7 + ((i * 13) % 17) / 3));
    const [min, max] = [Math.min(...data), Math.max(...data)];
    const cases = [
      [await alpha(data, [64, 64], 'minmax', 64, 64), data.map((v) => Math.round((255 * (v - min)) / (max - min)))],
      [await alpha(data, [64, 64], 'sigmoid', 64, 64), data.map((v) => Math.round(255 / (1 + Math.exp(-v))))],
    ];
    for (const [got, want] of cases) {
      const off = got!.map((v, i) => Math.abs(v - want![i]!));
      expect(Math.max(...off)).toBeLessThanOrEqual(1);
      expect(off.filter((d) => d > 0).length).toBeLessThan(data.length / 100);
    }
  });

  it('resizes bilinearly with half-pixel centres to the image size', async () => {
    // A 2×1 map [min, max] → 4×1: source positions −0.25, 0.25, 0.75, 1.25 → 0, 0.25, 0.75, 1 of the range.
    expect(await alpha([0, 1], [1, 2], 'minmax', 4, 1)).toEqual([0, 64, 191, 255]);
    const big = await decoder.toAlpha(Float32Array.from({ length: 64 * 64 }, (_, i) => i % 64), [1, 1, 64, 64], 'minmax', 96, 48);
    expect(big).toMatchObject({ width: 96, height: 48 });
    expect(big.data.length).toBe(96 * 48);
    expect([big.data[0], big.data[95]]).toEqual([0, 255]); // each row runs from the left edge's value to the right's
  });

  it('returns an opaque mask for a flat map (nothing to cut)', async () => {
    expect(await alpha([0.3, 0.3, 0.3, 0.3], [2, 2], 'minmax', 3, 2)).toEqual([255, 255, 255, 255, 255, 255]);
  });

  it.each([
    ['NaN', NaN],
    ['infinity', Infinity],
  ])('refuses a map with %s', async (_name, bad) => {
    await expect(decoder.toAlpha(Float32Array.from([0, bad, 1, 1]), [2, 2], 'minmax', 2, 2)).rejects.toThrow(/non-finite/);
  });

  it.each([
    ['a batch of two', [2, 1, 2, 2], 8],
    ['a size mismatch', [1, 1, 3, 3], 4],
    ['a vector', [4], 4],
  ])('refuses %s', async (_name, dims, length) => {
    await expect(decoder.toAlpha(new Float32Array(length), dims, 'minmax', 2, 2)).rejects.toThrow(/shape/);
  });
});
