import { BackgroundModel, fitBackgroundModel, PixelSamples } from './background-model';
import { floodFromBorder, keepMainComponents } from './mask-ops';

export interface RgbaPixels {
  data: Buffer;
  width: number;
  height: number;
}

/** Below this share of border samples fitting one smooth model, the image has no plain background to remove. */
const MIN_BORDER_INLIER_SHARE = 0.3;
/** Secondary components kept when at least this share of the largest (e.g. two products side by side). */
const MIN_COMPONENT_SHARE = 0.25;
/** Samples used to refit the background from the whole background region (plenty for 6 coefficients). */
const MAX_REFIT_SAMPLES = 8_000;

export interface Segmentation {
  /** 1 = subject, 0 = background, width×height. */
  subject: Uint8Array;
  /** Colour distance of every pixel from the background model (for the soft edge). */
  distance: Float32Array;
  /** The colour distance at which a pixel stops counting as background. */
  threshold: number;
  /** Typical distance of a background pixel (noise): what "fully transparent" looks like. */
  noiseLevel: number;
}

/**
 * Subject/background split for plain and studio backgrounds:
 * 1. fit a smooth background model to the border pixels (robust to a gradient and to a subject touching an edge);
 * 2. distance of every pixel from the model; the threshold comes from the spread of the border's own residuals;
 * 3. grow the background from the edges through pixels under the threshold (enclosed background-coloured areas,
 *    e.g. a white logo on a shirt, stay subject: holes are filled by construction);
 * 4. refit the model on the whole grown background (better where the border says little, e.g. a spotlight) and
 *    grow again; 5. keep the main component(s).
 * Returns undefined when there is no plain background to remove, or nothing but background.
 */
export function segmentSubject(img: RgbaPixels): Segmentation | undefined {
  const { width, height } = img;
  const first = fitBackgroundModel(borderSamples(img));
  if (first.inlierShare < MIN_BORDER_INLIER_SHARE) return undefined;
  let model = first;
  let threshold = thresholdFor(first);
  let distance = distanceMap(img, first);
  let background = growBackground(distance, threshold, width, height);

  const refit = fitBackgroundModel(regionSamples(img, background));
  if (refit.inlierShare >= MIN_BORDER_INLIER_SHARE) {
    model = refit;
    threshold = thresholdFor(refit);
    distance = distanceMap(img, refit);
    background = growBackground(distance, threshold, width, height);
  }

  const subject = new Uint8Array(width * height);
  let count = 0;
  for (let i = 0; i < subject.length; i++) {
    if (!background[i]) {
      subject[i] = 1;
      count++;
    }
  }
  if (count === 0) return undefined;
  const r = model.inlierResiduals;
  const noiseLevel = r.length ? r[r.length >> 1]! : 0;
  return { subject: keepMainComponents(subject, width, height, MIN_COMPONENT_SHARE), distance, threshold, noiseLevel };
}

/**
 * From the data: 1.5× the 99th percentile of the inliers' residuals (noise, compression, model error) plus a
 * small margin, never below 10 levels: tight on clean studio shots, looser on noisy ones.
 */
function thresholdFor(model: BackgroundModel): number {
  const r = model.inlierResiduals;
  const p99 = r.length ? r[Math.min(r.length - 1, Math.floor(r.length * 0.99))]! : 0;
  return Math.max(10, 1.5 * p99 + 3);
}

/**
 * Distance of each pixel's colour from the background model there. The model is a polynomial in u for a fixed
 * row, so each row evaluates three quadratics (Horner) instead of the full 2-D form. Transparent pixels count as
 * background whatever their colour (distance 0).
 */
function distanceMap(img: RgbaPixels, model: BackgroundModel): Float32Array {
  const { data, width, height } = img;
  const out = new Float32Array(width * height);
  const rows = model.coefficients.map((c) => [c[0]!, c[1] ?? 0, c[2] ?? 0, c[3] ?? 0, c[4] ?? 0, c[5] ?? 0]);
  const du = width > 1 ? 2 / (width - 1) : 0;
  for (let y = 0; y < height; y++) {
    const v = height > 1 ? (2 * y) / (height - 1) - 1 : 0;
    // value(u) = a + b·u + c·u² for this row, per channel.
    const [ar, br, cr] = rowPolynomial(rows[0]!, v);
    const [ag, bg, cg] = rowPolynomial(rows[1]!, v);
    const [ab, bb, cb] = rowPolynomial(rows[2]!, v);
    let u = width > 1 ? -1 : 0;
    for (let x = 0, i = y * width, p = i * 4; x < width; x++, i++, p += 4, u += du) {
      if (data[p + 3]! < 128) continue;
      const dr = data[p]! - (ar + u * (br + u * cr));
      const dg = data[p + 1]! - (ag + u * (bg + u * cg));
      const db = data[p + 2]! - (ab + u * (bb + u * cb));
      out[i] = Math.sqrt(dr * dr + dg * dg + db * db);
    }
  }
  return out;
}

/** [1, u, v, u², uv, v²] coefficients at a fixed v → (a, b, c) of a + b·u + c·u². */
function rowPolynomial(k: number[], v: number): [number, number, number] {
  return [k[0]! + k[2]! * v + k[5]! * v * v, k[1]! + k[4]! * v, k[3]!];
}

function growBackground(distance: Float32Array, threshold: number, width: number, height: number): Uint8Array {
  const passable = new Uint8Array(distance.length);
  for (let i = 0; i < distance.length; i++) if (distance[i]! < threshold) passable[i] = 1;
  return floodFromBorder(passable, width, height);
}

/** The outer ring (1% of the short side, at least 2 px) of the image. */
function borderSamples(img: RgbaPixels): PixelSamples {
  const { width, height } = img;
  const ring = Math.max(2, Math.round(Math.min(width, height) * 0.01));
  const indices: number[] = [];
  for (let y = 0; y < height; y++) {
    const edgeRow = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++) {
      if (edgeRow || x < ring || x >= width - ring) indices.push(y * width + x);
    }
  }
  return samplesAt(img, indices);
}

function regionSamples(img: RgbaPixels, region: Uint8Array): PixelSamples {
  let total = 0;
  for (let i = 0; i < region.length; i++) total += region[i]!;
  const stride = Math.max(1, Math.floor(total / MAX_REFIT_SAMPLES));
  const indices: number[] = [];
  let seen = 0;
  for (let i = 0; i < region.length; i++) {
    if (region[i] && seen++ % stride === 0) indices.push(i);
  }
  return samplesAt(img, indices);
}

function samplesAt(img: RgbaPixels, indices: number[]): PixelSamples {
  const { data, width, height } = img;
  const count = indices.length;
  const samples: PixelSamples = {
    u: new Float32Array(count),
    v: new Float32Array(count),
    rgb: new Uint8Array(count * 3),
    count,
  };
  indices.forEach((i, k) => {
    const x = i % width;
    const y = (i - x) / width;
    samples.u[k] = width > 1 ? (2 * x) / (width - 1) - 1 : 0;
    samples.v[k] = height > 1 ? (2 * y) / (height - 1) - 1 : 0;
    samples.rgb[k * 3] = data[i * 4]!;
    samples.rgb[k * 3 + 1] = data[i * 4 + 1]!;
    samples.rgb[k * 3 + 2] = data[i * 4 + 2]!;
  });
  return samples;
}
