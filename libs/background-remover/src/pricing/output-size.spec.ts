import { describe, expect, it } from 'vitest';
import { PREVIEW_MAX_PIXELS, previewMaxSide, resolveOutputSize, unitPriceFor } from './output-size';

describe('output sizes', () => {
  it('auto is a preview only when the image is no larger than one', () => {
    expect(resolveOutputSize('auto', 500, 500)).toBe('preview');
    expect(resolveOutputSize('auto', 501, 500)).toBe('full');
    expect(resolveOutputSize('preview', 4000, 3000)).toBe('preview');
    expect(resolveOutputSize('full', 10, 10)).toBe('full');
  });

  it('prices a preview at the preview price, or the full price when the model has none', () => {
    expect(unitPriceFor({ creditCost: 8, previewCreditCost: 2 }, 'preview')).toBe(2);
    expect(unitPriceFor({ creditCost: 8, previewCreditCost: 2 }, 'full')).toBe(8);
    expect(unitPriceFor({ creditCost: 8, previewCreditCost: null }, 'preview')).toBe(8);
  });

  it('fits any shape within 0.25 MP after the resizer rounds the short side', () => {
    for (const [w, h] of [[1200, 900], [4000, 3000], [6000, 100], [501, 500], [999, 1001], [7, 40_000]] as const) {
      const side = previewMaxSide(w, h)!;
      const short = Math.max(1, Math.round((Math.min(w, h) * side) / Math.max(w, h)));
      expect(side * short, `${w}×${h}`).toBeLessThanOrEqual(PREVIEW_MAX_PIXELS);
      if (short >= 20) expect(side * short, `${w}×${h}`).toBeGreaterThan(PREVIEW_MAX_PIXELS * 0.9); // not needlessly small
    }
    expect(previewMaxSide(500, 500)).toBeUndefined();
  });
});
