import type { ImagesService } from '@app/images';

/**
 * Synthetic photos with a known subject mask, generated for tests (nothing downloaded): a "portrait" subject —
 * a circle (head) over a rectangle (body) — with texture, anti-aliased edges and sensor noise, on a background.
 */
export interface Scene {
  image: Buffer;
  width: number;
  height: number;
  /** Ground truth, 0/255 per pixel: subject where the shape covers at least half the pixel. */
  truth: Uint8Array;
}

export type SceneBackground =
  /** Near-black studio backdrop: the subject is brighter everywhere (the contract scene). */
  | 'dark'
  /** Light grey seamless paper. */
  | 'light'
  /** Studio sweep: diagonal gradient plus a vignette, ~80 levels across the frame. */
  | 'gradient';

export interface SceneOptions {
  width: number;
  height: number;
  background: SceneBackground;
  /** The body reaches the bottom edge (a head-and-shoulders crop) or floats clear of every edge. */
  placement: 'floating' | 'touching-bottom';
  /** Bright pastel texture (all far brighter than 'dark') or saturated colours with darker stripes. */
  palette: 'bright' | 'colourful';
  format?: 'png' | 'webp';
  seed?: number;
}

type Rgb = [number, number, number];

export async function renderScene(images: ImagesService, opts: SceneOptions): Promise<Scene> {
  const { width, height } = opts;
  const rand = mulberry32(opts.seed ?? 1);
  const rgba = Buffer.alloc(width * height * 4);
  const truth = new Uint8Array(width * height);
  const s = Math.min(width, height);
  const head = { cx: width * 0.5, cy: height * 0.34, r: s * 0.16 };
  const body = {
    left: width * 0.3,
    right: width * 0.7,
    top: height * 0.5,
    bottom: opts.placement === 'touching-bottom' ? height + 1 : height * 0.86,
  };
  const inside = (x: number, y: number) =>
    (x - head.cx) ** 2 + (y - head.cy) ** 2 <= head.r ** 2 ||
    (x >= body.left && x <= body.right && y >= body.top && y <= body.bottom);

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // 4×4 supersampling: anti-aliased edges, as a camera or renderer produces.
      let covered = 0;
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) covered++;
      const coverage = covered / 16;
      const bg = backgroundColour(opts.background, x / width, y / height);
      const fg = subjectColour(opts.palette, x, y, y < body.top);
      const i = y * width + x;
      truth[i] = coverage >= 0.5 ? 255 : 0;
      for (let c = 0; c < 3; c++) {
        const noise = (rand() + rand() + rand() - 1.5) * 4; // ~N(0, 2.3)
        rgba[i * 4 + c] = clamp8(coverage * fg[c]! + (1 - coverage) * bg[c]! + noise);
      }
      rgba[i * 4 + 3] = 255;
    }
  }
  const image = await images.fromRgba(rgba, width, height, { format: opts.format ?? 'png', quality: 92 });
  return { image, width, height, truth };
}

function backgroundColour(kind: SceneBackground, u: number, v: number): Rgb {
  if (kind === 'dark') return [22, 24, 28];
  if (kind === 'light') return [232, 232, 228];
  const vignette = ((u - 0.5) ** 2 + (v - 0.5) ** 2) * 60;
  const t = (u + v) / 2;
  return [240 - 70 * t - vignette, 236 - 55 * t - vignette, 228 - 20 * t - vignette];
}

function subjectColour(palette: SceneOptions['palette'], x: number, y: number, isHead: boolean): Rgb {
  const stripe = Math.floor((x + y) / 9) % 2 === 0;
  const speckle = ((x * 7 + y * 13) % 11) - 5;
  if (palette === 'bright') {
    // Hue varies, brightness hardly: even a brightness-only "model" sees one uniform subject.
    if (isHead) return [242 + speckle, 230 + speckle, 222 + speckle];
    return stripe ? [246, 238, 222] : [222, 232, 250];
  }
  if (isHead) return [198 + speckle, 134 + speckle, 100 + speckle];
  return stripe ? [36, 84, 168] : [222, 176, 40];
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** Small deterministic PRNG so scenes are identical on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Intersection over union of a mask (subject where ≥ 128) with the truth. */
export function maskIou(mask: Uint8Array, truth: Uint8Array): number {
  if (mask.length !== truth.length) throw new Error(`mask has ${mask.length} pixels, truth ${truth.length}`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < mask.length; i++) {
    const a = mask[i]! >= 128;
    const b = truth[i]! >= 128;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return union === 0 ? 1 : inter / union;
}
