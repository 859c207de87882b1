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
  if (!Number.isInteger(unitPrice) || unitPrice < 0) throw new RangeError('unitPrice must be a non-negative integer');
  if (!Number.isInteger(imageCount) || imageCount < 1) throw new RangeError('imageCount must be a positive integer');
  const subtotal = unitPrice * imageCount;
  const discountPct = discountPctFor(imageCount);
  // Discount rounds down: the customer never pays more than the advertised percentage off.
  const discount = Math.floor((subtotal * discountPct) / 100);
  return { unitPrice, imageCount, subtotal, discountPct, discount, total: subtotal - discount };
}

/**
 * Splits a total into `count` whole-credit shares that differ by at most one and sum exactly to the total:
 * each batch item's refundable share.
 */
export function splitEvenly(total: number, count: number): number[] {
  const shares: number[] = [];
  for (let i = 0; i < count; i++) {
    shares.push(Math.floor((total * (i + 1)) / count) - Math.floor((total * i) / count));
  }
  return shares;
}
