import { DomainError } from '@app/common';

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0-255 */
  alpha: number;
}

/** Parses '#rrggbb' or '#rrggbbaa' (case-insensitive). Anything else → BAD_REQUEST. */
export function parseHexColor(value: string): Rgba {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(value);
  if (!m) throw new DomainError('BAD_REQUEST', `Invalid colour "${value}": expected #rrggbb or #rrggbbaa`);
  const [, r, g, b, a] = m;
  return {
    r: parseInt(r!, 16),
    g: parseInt(g!, 16),
    b: parseInt(b!, 16),
    alpha: a === undefined ? 255 : parseInt(a, 16),
  };
}
