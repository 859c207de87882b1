/**
 * Pricing maths shared by the price calculator and the actual charge, so the two can never disagree.
 * All amounts are whole credits.
 */

/** Batch volume discounts: the bracket with the highest `minImages` ≤ imageCount applies. */
export const VOLUME_DISCOUNTS: readonly { minImages: number; discountPct: number }[] = [
  { minImages: 1, discountPct: 0 },
  { minImages: 10, discountPct: 5 },
  { minImages: 25, discountPct: 10 },
  { minImages: 50, discountPct: 15 },
  { minImages: 100, discountPct: 20 },
];

export interface PriceQuote {
  unitPrice: number;
  imageCount: number;
  subtotal: number;
  discountPct: number;
  discount: number;
  total: number;
}

export function discountPctFor(imageCount: number): number {
  let pct = 0;
  for (const bracket of VOLUME_DISCOUNTS) if (imageCount >= bracket.minImages) pct = bracket.discountPct;
  return pct;
}

export function quotePrice(unitPrice: number, imageCount: number): PriceQuote {
  if (!Number.isInteger(imageCount) || imageCount < 1) throw new RangeError('imageCount must be a positive integer');
  return { ...quoteItems(Array<number>(imageCount).fill(unitPrice)), unitPrice };
}

/**
 * One quote for images that may cost differently (a batch with `size=auto` mixes preview and full prices): the
 * volume discount goes by the number of images and applies to the sum. `unitPrice` is the highest item price.
 */
export function quoteItems(unitPrices: readonly number[]): PriceQuote {
  if (unitPrices.length < 1) throw new RangeError('at least one image is required');
  for (const price of unitPrices) {
    if (!Number.isInteger(price) || price < 0) throw new RangeError('unit prices must be non-negative integers');
  }
  const imageCount = unitPrices.length;
  const subtotal = unitPrices.reduce((a, b) => a + b, 0);
  const discountPct = discountPctFor(imageCount);
  // Discount rounds down: the customer never pays more than the advertised percentage off.
  const discount = Math.floor((subtotal * discountPct) / 100);
  return { unitPrice: Math.max(...unitPrices), imageCount, subtotal, discountPct, discount, total: subtotal - discount };
}

/**
 * Splits a total into `count` whole-credit shares that differ by at most one and sum exactly to the total:
 * each batch item's refundable share.
 */
export function splitEvenly(total: number, count: number): number[] {
  return splitByWeight(total, Array<number>(count).fill(1));
}

/**
 * Splits a total into whole-credit shares proportional to `weights` (each item's list price) that sum exactly to
 * the total: a batch item's refundable share when items cost differently. All-zero weights split evenly.
 */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const w = sum > 0 ? weights : weights.map(() => 1);
  const weightTotal = sum > 0 ? sum : weights.length;
  const shares: number[] = [];
  let before = 0;
  for (const weight of w) {
    const upTo = before + weight;
    shares.push(Math.floor((total * upTo) / weightTotal) - Math.floor((total * before) / weightTotal));
    before = upTo;
  }
  return shares;
}
