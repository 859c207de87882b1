/**
 * Parsers for the text output options of a background removal (remove.bg semantics). Pure: the API validates with
 * them (the thrown message is the 400's field error) and the worker parses the stored, already valid, strings again.
 */

/** A length in pixels or in percent of a reference size. */
export interface Length {
  value: number;
  unit: 'px' | '%';
}

export interface CropMargin {
  top: Length;
  right: Length;
  bottom: Length;
  left: Length;
}

/** Where the subject goes on the canvas: where it was, centred, or at x/y fractions (0 = left/top, 1 = right/bottom). */
export type SubjectPosition = 'original' | 'center' | { x: number; y: number };

/** 'original' keeps the subject's size; a number (0.1–1) fits the subject to that fraction of the canvas. */
export type SubjectScale = 'original' | number;

export const CROP_MARGIN_MAX_PX = 2000;
export const CROP_MARGIN_MAX_PERCENT = 100;

/** A value the option does not accept; the message says why, for the client. */
export class OutputOptionError extends Error {}

const LENGTH = /^(\d+(?:\.\d+)?)(px|%)?$/;
const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/**
 * `cropMargin`: CSS-like 1, 2 or 4 lengths (all sides; top/bottom and left/right; top right bottom left). A length
 * is pixels (`10`, `10px`, whole numbers ≤ 2000) or percent of the subject's size on that axis (`5%`, ≤ 100).
 * A plain number is pixels on every side (the original integer form).
 */
export function parseCropMargin(input: string | number): CropMargin {
  const text = typeof input === 'number' ? String(input) : input.trim();
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  if (tokens.length !== 1 && tokens.length !== 2 && tokens.length !== 4) {
    throw new OutputOptionError('cropMargin must be 1, 2 or 4 values, e.g. "10", "10px 5%" or "5% 10 5% 10"');
  }
  const lengths = tokens.map(parseMarginLength);
  const [top, right = top, bottom = top, left = right] = lengths as [Length, Length?, Length?, Length?];
  return { top: top!, right: right!, bottom: bottom!, left: left! };
}

function parseMarginLength(token: string): Length {
  const m = LENGTH.exec(token);
  if (!m) throw new OutputOptionError(`cropMargin value "${clip(token)}" is not a length: use pixels (10 or 10px) or percent (5%)`);
  const value = Number(m[1]);
  if (m[2] === '%') {
    if (value > CROP_MARGIN_MAX_PERCENT) throw new OutputOptionError(`cropMargin ${clip(token)} is over ${CROP_MARGIN_MAX_PERCENT}%`);
    return { value, unit: '%' };
  }
  if (!Number.isInteger(value)) throw new OutputOptionError(`cropMargin ${clip(token)} must be a whole number of pixels`);
  if (value > CROP_MARGIN_MAX_PX) throw new OutputOptionError(`cropMargin ${clip(token)} is over ${CROP_MARGIN_MAX_PX} pixels`);
  return { value, unit: 'px' };
}

/** Margins in pixels for a subject of width×height: top/bottom percentages of its height, left/right of its width. */
export function resolveCropMargin(margin: CropMargin, width: number, height: number): { top: number; right: number; bottom: number; left: number } {
  const px = (l: Length, ref: number) => Math.round(l.unit === 'px' ? l.value : (l.value / 100) * ref);
  return { top: px(margin.top, height), right: px(margin.right, width), bottom: px(margin.bottom, height), left: px(margin.left, width) };
}

/** `position`: `original`, `center`, or one or two percentages (`"50%"`, `"20% 80%"`: horizontal, vertical). */
export function parsePosition(input: string): SubjectPosition {
  const text = input.trim().toLowerCase();
  if (text === 'original' || text === 'center') return text;
  const tokens = text.split(/\s+/);
  if (tokens.length > 2 || !tokens.every((t) => PERCENT.test(t))) {
    throw new OutputOptionError('position must be "original", "center" or "x% y%" (each 0%–100%)');
  }
  const [x, y = x] = tokens.map((t) => Number(t.slice(0, -1)));
  if (x! > 100 || y! > 100) throw new OutputOptionError('position percentages must be between 0% and 100%');
  return { x: x! / 100, y: y! / 100 };
}

/** `scale`: `original` or a percentage of the canvas from 10% to 100%. */
export function parseScale(input: string): SubjectScale {
  const text = input.trim().toLowerCase();
  if (text === 'original') return 'original';
  const m = PERCENT.exec(text);
  if (!m) throw new OutputOptionError('scale must be "original" or a percentage from 10% to 100%');
  const value = Number(m[1]);
  if (value < 10 || value > 100) throw new OutputOptionError(`scale ${clip(text)} is outside 10%–100%`);
  return value / 100;
}

/** Echoes a bounded piece of the client's text in messages. */
function clip(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}…` : text;
}
