import { describe, expect, it } from 'vitest';
import { preferredImageFormat } from './image-response';

describe('preferredImageFormat', () => {
  it.each([
    ['image/png', 'png'],
    ['image/webp', 'webp'],
    ['image/jpeg', 'jpg'],
    ['image/*', 'png'],
    ['image/webp, application/json;q=0.5', 'webp'],
    ['application/json', undefined],
    ['*/*', undefined], // curl's default: JSON stays the default
    ['image/png;q=0.5, application/json', undefined],
    ['text/html', undefined],
    [undefined, undefined],
  ])('Accept %s → %s', (accept, format) => {
    expect(preferredImageFormat(accept)).toBe(format);
  });
});
