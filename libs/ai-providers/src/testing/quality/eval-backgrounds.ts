import { mulberry32 } from '../test-scenes';

/** Background kinds of the quality evaluation, from the classical remover's home turf to a cluttered scene. */
export type EvalBackground = 'studio' | 'texture' | 'bokeh' | 'busy';
export const EVAL_BACKGROUNDS: EvalBackground[] = ['studio', 'texture', 'bokeh', 'busy'];

/** RGB, 3 bytes per pixel. Deterministic for a given kind, size and seed. */
export function renderBackground(kind: EvalBackground, width: number, height: number, seed: number): Uint8Array {
  const rand = mulberry32(seed * 7919 + kind.length);
  if (kind === 'studio') return studio(width, height, rand);
  if (kind === 'texture') return texture(width, height, rand);
  if (kind === 'bokeh') return bokeh(width, height, rand);
  return busy(width, height, rand);
}

/** Seamless paper with a diagonal sweep and vignette (a colour picked per seed). */
function studio(width: number, height: number, rand: () => number): Uint8Array {
  const base = [150 + rand() * 100, 150 + rand() * 100, 150 + rand() * 100];
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      const shade = 1 - 0.25 * ((u + v) / 2) - 0.3 * ((u - 0.5) ** 2 + (v - 0.5) ** 2);
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = clamp8(base[c]! * shade);
    }
  }
  return out;
}

/** Coloured multi-octave value noise: foliage, fabric, a patterned wall. */
function texture(width: number, height: number, rand: () => number): Uint8Array {
  const layers = [0, 1, 2].map(() => valueNoise(width, height, rand, [24, 12, 6, 3]));
  const palette = [0, 1, 2].map(() => [rand() * 255, rand() * 255, rand() * 255]);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      out[i * 3 + c] = clamp8(layers[0]![i]! * palette[0]![c]! + layers[1]![i]! * palette[1]![c]! * 0.8 + layers[2]![i]! * 90 - 40);
    }
  }
  return out;
}

/** Portrait-mode background: large soft discs of light over a dark-to-light gradient. */
function bokeh(width: number, height: number, rand: () => number): Uint8Array {
  const out = new Float32Array(width * height * 3);
  const top = [rand() * 120, rand() * 120, rand() * 120];
  const bottom = [60 + rand() * 150, 60 + rand() * 150, 60 + rand() * 150];
  for (let y = 0; y < height; y++) {
    const t = y / height;
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = top[c]! * (1 - t) + bottom[c]! * t;
  }
  for (let k = 0; k < 40; k++) {
    const cx = rand() * width;
    const cy = rand() * height;
    const r = (0.03 + rand() * 0.1) * Math.min(width, height);
    const colour = [rand() * 255, rand() * 255, rand() * 255];
    const strength = 0.2 + rand() * 0.5;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(height, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, Math.ceil(cx + r)); x++) {
        const d = Math.hypot(x - cx, y - cy) / r;
        if (d >= 1) continue;
        const a = strength * Math.min(1, (1 - d) * 4); // soft rim
        for (let c = 0; c < 3; c++) {
          const i = (y * width + x) * 3 + c;
          out[i] = out[i]! * (1 - a) + colour[c]! * a;
        }
      }
    }
  }
  return Uint8Array.from(out, clamp8);
}

/**
 * A cluttered indoor/street-like scene: wall and floor, then many sharp-edged rectangles (shelves, windows,
 * furniture, signs) and ellipses (plants, lamps) in random colours, some with stripes — edges everywhere.
 */
function busy(width: number, height: number, rand: () => number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const wall = [rand() * 255, rand() * 255, rand() * 255];
  const floor = [rand() * 200, rand() * 200, rand() * 200];
  const horizon = height * (0.55 + rand() * 0.25);
  for (let y = 0; y < height; y++) {
    const colour = y < horizon ? wall : floor;
    const shade = y < horizon ? 0.8 + 0.2 * (y / horizon) : 1 - 0.3 * ((y - horizon) / (height - horizon));
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = clamp8(colour[c]! * shade);
  }
  for (let k = 0; k < 60; k++) {
    const w = (0.04 + rand() * 0.3) * width;
    const h = (0.04 + rand() * 0.35) * height;
    const x0 = rand() * width - w / 2;
    const y0 = rand() * height - h / 2;
    const colour = [rand() * 255, rand() * 255, rand() * 255];
    const ellipse = rand() < 0.35;
    const stripes = rand() < 0.3 ? 4 + Math.floor(rand() * 10) : 0;
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(height, Math.ceil(y0 + h)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(width, Math.ceil(x0 + w)); x++) {
        if (ellipse && ((x - x0 - w / 2) / (w / 2)) ** 2 + ((y - y0 - h / 2) / (h / 2)) ** 2 > 1) continue;
        const dark = stripes && Math.floor((x - x0) / stripes) % 2 ? 0.6 : 1;
        for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = clamp8(colour[c]! * dark);
      }
    }
  }
  return out;
}

/** Sum of bilinearly interpolated random grids (cell sizes in pixels), normalised to [0, 1]. */
function valueNoise(width: number, height: number, rand: () => number, cells: number[]): Float32Array {
  const out = new Float32Array(width * height);
  let amplitude = 1;
  let total = 0;
  for (const cell of cells) {
    const gw = Math.ceil(width / cell) + 2;
    const gh = Math.ceil(height / cell) + 2;
    const grid = Float32Array.from({ length: gw * gh }, () => rand());
    for (let y = 0; y < height; y++) {
      const fy = y / cell;
      const y0 = Math.floor(fy);
      const ty = fy - y0;
      for (let x = 0; x < width; x++) {
        const fx = x / cell;
        const x0 = Math.floor(fx);
        const tx = fx - x0;
        const a = grid[y0 * gw + x0]! * (1 - tx) + grid[y0 * gw + x0 + 1]! * tx;
        const b = grid[(y0 + 1) * gw + x0]! * (1 - tx) + grid[(y0 + 1) * gw + x0 + 1]! * tx;
        out[y * width + x]! += amplitude * (a * (1 - ty) + b * ty);
      }
    }
    total += amplitude;
    amplitude *= 0.6;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= total;
  return out;
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
