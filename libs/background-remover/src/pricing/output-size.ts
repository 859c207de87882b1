import type { AiModel } from '@app/prisma';

/**
 * Output sizes with remove.bg's semantics: `preview` is at most 0.25 megapixels and costs the tier's preview price;
 * `full` keeps the original resolution (up to the tier's maximum); `auto` is full resolution, priced as a preview
 * when the image is no larger than a preview (its output would be the same pixels).
 */
export const OUTPUT_SIZES = ['preview', 'full', 'auto'] as const;
export type OutputSize = (typeof OUTPUT_SIZES)[number];
/** What `auto` becomes once the image's dimensions are known; stored on the job and charged. */
export type ResolvedOutputSize = Exclude<OutputSize, 'auto'>;

export const PREVIEW_MAX_PIXELS = 250_000;

export function resolveOutputSize(size: OutputSize, width: number, height: number): ResolvedOutputSize {
  if (size !== 'auto') return size;
  return width * height <= PREVIEW_MAX_PIXELS ? 'preview' : 'full';
}

/** The tier's price for one image of this size. A model without a preview price charges its full price. */
export function unitPriceFor(model: Pick<AiModel, 'creditCost' | 'previewCreditCost'>, size: ResolvedOutputSize): number {
  return size === 'preview' ? (model.previewCreditCost ?? model.creditCost) : model.creditCost;
}

/** Longest side that keeps a width × height image within {@link PREVIEW_MAX_PIXELS}; undefined when it already fits. */
export function previewMaxSide(width: number, height: number): number | undefined {
  if (width * height <= PREVIEW_MAX_PIXELS) return undefined;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  let side = Math.floor(long * Math.sqrt(PREVIEW_MAX_PIXELS / (width * height)));
  // The resizer rounds the short side; step down until the rounded result fits too.
  while (side > 1 && side * Math.max(1, Math.round((short * side) / long)) > PREVIEW_MAX_PIXELS) side--;
  return Math.max(1, side);
}
