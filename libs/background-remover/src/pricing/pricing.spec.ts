import { describe, expect, it } from 'vitest';
import { discountPctFor, quoteItems, quotePrice, splitByWeight, splitEvenly, VOLUME_DISCOUNTS } from './pricing';

describe('pricing', () => {
  it('picks the highest bracket reached', () => {
    expect(discountPctFor(1)).toBe(0);
    expect(discountPctFor(9)).toBe(0);
    expect(discountPctFor(10)).toBe(5);
    expect(discountPctFor(49)).toBe(10);
    expect(discountPctFor(100)).toBe(20);
    expect(discountPctFor(10_000)).toBe(20);
  });

  it('brackets are sorted and start at one image', () => {
    expect(VOLUME_DISCOUNTS[0]!.minImages).toBe(1);
    const mins = VOLUME_DISCOUNTS.map((b) => b.minImages);
    expect([...mins].sort((a, b) => a - b)).toEqual(mins);
  });

  it('quotes whole credits with the discount rounded in the customer’s favour', () => {
    expect(quotePrice(3, 1)).toEqual({ unitPrice: 3, imageCount: 1, subtotal: 3, discountPct: 0, discount: 0, total: 3 });
    expect(quotePrice(3, 10)).toEqual({ unitPrice: 3, imageCount: 10, subtotal: 30, discountPct: 5, discount: 1, total: 29 });
    expect(quotePrice(8, 50)).toMatchObject({ subtotal: 400, discountPct: 15, discount: 60, total: 340 });
    expect(quotePrice(8, 100)).toMatchObject({ subtotal: 800, discount: 160, total: 640 });
  });

  it('rejects nonsense', () => {
    expect(() => quotePrice(3, 0)).toThrow(RangeError);
    expect(() => quotePrice(3, 1.5)).toThrow(RangeError);
    expect(() => quotePrice(-1, 2)).toThrow(RangeError);
  });

  it('splits a total into shares that differ by ≤ 1 and sum exactly', () => {
    for (const [total, count] of [[29, 10], [340, 50], [7, 3], [0, 4], [100, 100], [1, 7]] as const) {
      const shares = splitEvenly(total, count);
      expect(shares).toHaveLength(count);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  });

  it('quotes mixed prices with the discount by image count on the sum, and agrees with quotePrice when uniform', () => {
    expect(quoteItems([8, 2, 8])).toEqual({ unitPrice: 8, imageCount: 3, subtotal: 18, discountPct: 0, discount: 0, total: 18 });
    expect(quoteItems([...Array<number>(5).fill(8), ...Array<number>(5).fill(2)])).toMatchObject({ subtotal: 50, discountPct: 5, discount: 2, total: 48 });
    for (const [unit, count] of [[3, 1], [8, 10], [25, 100]] as const) expect(quoteItems(Array<number>(count).fill(unit))).toEqual(quotePrice(unit, count));
    expect(() => quoteItems([])).toThrow(RangeError);
  });

  it('splits by weight: proportional, exact, and even when all weights are zero', () => {
    expect(splitByWeight(48, [8, 8, 8, 8, 8, 2, 2, 2, 2, 2]).reduce((a, b) => a + b, 0)).toBe(48);
    expect(splitByWeight(10, [8, 2])).toEqual([8, 2]);
    expect(splitByWeight(3, [0, 0, 0])).toEqual([1, 1, 1]);
    expect(splitByWeight(29, Array<number>(10).fill(3))).toEqual(splitEvenly(29, 10));
  });
});
