import { describe, expect, it } from 'vitest';
import { parseCropMargin } from './output-options';
import { copyRegion, marginRect, pasteRegion, placeSubject } from './subject-layout';

const box = { left: 10, top: 20, width: 40, height: 20 };

describe('placeSubject', () => {
  it('original position and scale leave the box where it is', () => {
    expect(placeSubject(box, 200, 100, undefined, 'original')).toEqual(box);
    expect(placeSubject(box, 200, 100, 'original', 'original')).toEqual(box);
  });

  it('center centres the box at its size', () => {
    expect(placeSubject(box, 200, 100, 'center', 'original')).toEqual({ left: 80, top: 40, width: 40, height: 20 });
  });

  it('x% y% places it in the free space (0% = left/top edge, 100% = right/bottom edge)', () => {
    expect(placeSubject(box, 200, 100, { x: 0, y: 1 }, 'original')).toEqual({ left: 0, top: 80, width: 40, height: 20 });
    expect(placeSubject(box, 200, 100, { x: 1, y: 0 }, 'original')).toEqual({ left: 160, top: 0, width: 40, height: 20 });
  });

  it('scale fits the box to that share of the canvas and implies center', () => {
    // 40×20 in 200×100: the limiting ratio is 5 on both axes; 50% → 100×50, centred.
    expect(placeSubject(box, 200, 100, undefined, 0.5)).toEqual({ left: 50, top: 25, width: 100, height: 50 });
    // A tall canvas: width limits (200/40 = 5 < 400/20): 100% → 200×100.
    expect(placeSubject(box, 200, 400, { x: 0, y: 0 }, 1)).toEqual({ left: 0, top: 0, width: 200, height: 100 });
  });

  it('scale with position=original scales around the old centre, kept on the canvas', () => {
    expect(placeSubject(box, 200, 100, 'original', 0.5)).toEqual({ left: 0, top: 5, width: 100, height: 50 });
  });
});

describe('marginRect / copyRegion / pasteRegion', () => {
  it('grows the box per side and may reach past the image', () => {
    expect(marginRect(box, parseCropMargin('5 10% 0 50%'))).toEqual({ left: -10, top: 15, width: 40 + 20 + 4, height: 25 });
  });

  it('copies a region, zero-filling what lies outside the image', () => {
    const data = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // 3×3, one channel
    expect([...copyRegion(data, 3, 3, 1, { left: -1, top: 1, width: 3, height: 3 })]).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0]);
    expect([...copyRegion(data, 3, 3, 1, { left: 5, top: 0, width: 2, height: 1 })]).toEqual([0, 0]);
  });

  it('pastes a tile at an offset', () => {
    const canvas = Buffer.alloc(9);
    pasteRegion(canvas, 3, 1, Buffer.from([1, 2, 3, 4]), 2, 1, 1);
    expect([...canvas]).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
  });
});
