import { describe, expect, it } from 'vitest';
import { OutputOptionError, parseCropMargin, parsePosition, parseScale, resolveCropMargin } from './output-options';

const px = (value: number) => ({ value, unit: 'px' });
const pct = (value: number) => ({ value, unit: '%' });

describe('parseCropMargin', () => {
  it('keeps the plain integer form: pixels on every side', () => {
    expect(parseCropMargin(12)).toEqual({ top: px(12), right: px(12), bottom: px(12), left: px(12) });
    expect(parseCropMargin('0')).toEqual({ top: px(0), right: px(0), bottom: px(0), left: px(0) });
  });

  it('reads 1, 2 and 4 CSS-like values in px or %', () => {
    expect(parseCropMargin('10px')).toEqual({ top: px(10), right: px(10), bottom: px(10), left: px(10) });
    expect(parseCropMargin('10px 5%')).toEqual({ top: px(10), right: pct(5), bottom: px(10), left: pct(5) });
    expect(parseCropMargin(' 5% 10 2.5% 20px ')).toEqual({ top: pct(5), right: px(10), bottom: pct(2.5), left: px(20) });
  });

  it.each([
    ['', /1, 2 or 4 values/],
    ['1 2 3', /1, 2 or 4 values/],
    ['1 2 3 4 5', /1, 2 or 4 values/],
    ['-5', /not a length/],
    ['10em', /not a length/],
    ['ten', /not a length/],
    ['2001', /over 2000 pixels/],
    ['101%', /over 100%/],
    ['2.5px', /whole number of pixels/],
  ])('rejects %j with a clear message', (input, message) => {
    expect(() => parseCropMargin(input)).toThrow(OutputOptionError);
    expect(() => parseCropMargin(input)).toThrow(message);
  });

  it('resolves % against the subject: top/bottom of its height, left/right of its width', () => {
    expect(resolveCropMargin(parseCropMargin('10% 50%'), 200, 100)).toEqual({ top: 10, right: 100, bottom: 10, left: 100 });
    expect(resolveCropMargin(parseCropMargin('3 4 5 6'), 200, 100)).toEqual({ top: 3, right: 4, bottom: 5, left: 6 });
  });
});

describe('parsePosition', () => {
  it('reads original, center, one or two percentages', () => {
    expect(parsePosition('original')).toBe('original');
    expect(parsePosition('CENTER')).toBe('center');
    expect(parsePosition('25%')).toEqual({ x: 0.25, y: 0.25 });
    expect(parsePosition('0% 100%')).toEqual({ x: 0, y: 1 });
  });

  it.each(['left', '50', '50% 50% 50%', '120% 0%', '-5% 0%', ''])('rejects %j', (input) => {
    expect(() => parsePosition(input)).toThrow(OutputOptionError);
  });
});

describe('parseScale', () => {
  it('reads original and 10%–100%', () => {
    expect(parseScale('original')).toBe('original');
    expect(parseScale('10%')).toBe(0.1);
    expect(parseScale('100%')).toBe(1);
  });

  it.each([['5%', /outside 10%–100%/], ['150%', /outside 10%–100%/], ['0.5', /original" or a percentage/], ['big', /original" or a percentage/]])('rejects %j', (input, message) => {
    expect(() => parseScale(input)).toThrow(message);
  });
});
