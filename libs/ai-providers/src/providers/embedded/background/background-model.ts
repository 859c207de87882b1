import { solveLinearSystem } from './least-squares';

/**
 * A smooth model of a plain/studio background: per colour channel a polynomial in normalised coordinates
 * (u, v ∈ [-1, 1]) up to degree 2 — flat, linear gradient, studio sweep or vignette. Fitted robustly to sample
 * pixels so that subject pixels among them (a subject touching the border) are rejected as outliers.
 */
export interface BackgroundModel {
  /** Coefficients per channel (R, G, B) for the basis [1, u, v, u², uv, v²] (shorter for lower degrees). */
  coefficients: [number[], number[], number[]];
  /** Residual colour distances of the inlier samples, ascending: the data the threshold is chosen from. */
  inlierResiduals: Float32Array;
  /** Share of samples that fit the model (low: the border is not a plain background). */
  inlierShare: number;
}

export interface PixelSamples {
  /** Normalised coordinates and colours of each sample, in parallel arrays. */
  u: Float32Array;
  v: Float32Array;
  rgb: Uint8Array;
  count: number;
}

const TERMS_BY_DEGREE = [1, 3, 6];

function basis(u: number, v: number, terms: number, out: number[]): void {
  out[0] = 1;
  if (terms > 1) {
    out[1] = u;
    out[2] = v;
  }
  if (terms > 3) {
    out[3] = u * u;
    out[4] = u * v;
    out[5] = v * v;
  }
}

/** Evaluates the model for one channel at (u, v). */
export function evaluate(coef: number[], u: number, v: number): number {
  let value = coef[0]!;
  if (coef.length > 1) value += coef[1]! * u + coef[2]! * v;
  if (coef.length > 3) value += coef[3]! * u * u + coef[4]! * u * v + coef[5]! * v * v;
  return value;
}

/**
 * Iteratively reweighted fit: start flat (a median-like centre), then raise the degree, each time keeping only
 * samples within a few robust standard deviations (MAD) of the current model. Degree grows only with enough
 * inliers, so a handful of samples cannot produce a wild surface.
 */
export function fitBackgroundModel(samples: PixelSamples): BackgroundModel {
  const inlier = new Uint8Array(samples.count).fill(1);
  let coefficients = medianColour(samples);
  let residuals = residualsOf(samples, coefficients);
  for (const degree of [0, 1, 2, 2]) {
    markInliers(residuals, inlier);
    const fitted = weightedFit(samples, inlier, TERMS_BY_DEGREE[degree]!);
    if (!fitted) break;
    coefficients = fitted;
    residuals = residualsOf(samples, coefficients);
  }
  markInliers(residuals, inlier);
  const kept = new Float32Array(samples.count);
  let n = 0;
  for (let i = 0; i < samples.count; i++) if (inlier[i]) kept[n++] = residuals[i]!;
  const inlierResiduals = kept.slice(0, n).sort();
  return { coefficients, inlierResiduals, inlierShare: n / Math.max(1, samples.count) };
}

function medianColour(samples: PixelSamples): [number[], number[], number[]] {
  const channel = (c: number) => {
    const values = new Uint8Array(samples.count);
    for (let i = 0; i < samples.count; i++) values[i] = samples.rgb[i * 3 + c]!;
    values.sort();
    return [values[values.length >> 1] ?? 0];
  };
  return [channel(0), channel(1), channel(2)];
}

function residualsOf(samples: PixelSamples, coef: [number[], number[], number[]]): Float32Array {
  const out = new Float32Array(samples.count);
  for (let i = 0; i < samples.count; i++) {
    const u = samples.u[i]!;
    const v = samples.v[i]!;
    const dr = samples.rgb[i * 3]! - evaluate(coef[0], u, v);
    const dg = samples.rgb[i * 3 + 1]! - evaluate(coef[1], u, v);
    const db = samples.rgb[i * 3 + 2]! - evaluate(coef[2], u, v);
    out[i] = Math.sqrt(dr * dr + dg * dg + db * db);
  }
  return out;
}

/**
 * Inliers: residual ≤ 3 robust sigmas of the current inliers (1.4826·MAD about 0, as residuals are distances),
 * never tighter than 6 levels, so clean synthetic backgrounds (near-zero spread) keep their compression noise.
 */
function markInliers(residuals: Float32Array, inlier: Uint8Array): void {
  const current = new Float32Array(residuals.length);
  let n = 0;
  for (let i = 0; i < residuals.length; i++) if (inlier[i]) current[n++] = residuals[i]!;
  if (n === 0) return;
  const kept = current.subarray(0, n).sort(); // typed-array sort is numeric
  const cutoff = Math.max(6, 3 * 1.4826 * kept[n >> 1]!);
  for (let i = 0; i < residuals.length; i++) inlier[i] = residuals[i]! <= cutoff ? 1 : 0;
}

function weightedFit(
  samples: PixelSamples,
  inlier: Uint8Array,
  terms: number,
): [number[], number[], number[]] | undefined {
  // Normal equations in flat arrays: this loop runs over every sample several times per fit.
  const ata = new Float64Array(terms * terms);
  const atb = new Float64Array(3 * terms);
  const row = new Array<number>(terms).fill(0);
  let n = 0;
  for (let i = 0; i < samples.count; i++) {
    if (!inlier[i]) continue;
    n++;
    basis(samples.u[i]!, samples.v[i]!, terms, row);
    const r = samples.rgb[i * 3]!;
    const g = samples.rgb[i * 3 + 1]!;
    const b = samples.rgb[i * 3 + 2]!;
    for (let a = 0; a < terms; a++) {
      const ra = row[a]!;
      for (let c = a; c < terms; c++) ata[a * terms + c]! += ra * row[c]!;
      atb[a]! += ra * r;
      atb[terms + a]! += ra * g;
      atb[2 * terms + a]! += ra * b;
    }
  }
  // At least 10 samples per unknown, or the higher-degree terms would fit noise.
  if (n < terms * 10) return undefined;
  const matrix = Array.from({ length: terms }, (_, a) =>
    Array.from({ length: terms }, (_, c) => (c >= a ? ata[a * terms + c]! : ata[c * terms + a]!)),
  );
  const solved = [0, 1, 2].map((ch) => solveLinearSystem(matrix, Array.from(atb.subarray(ch * terms, (ch + 1) * terms))));
  if (solved.some((x) => !x)) return undefined;
  return solved as [number[], number[], number[]];
}
