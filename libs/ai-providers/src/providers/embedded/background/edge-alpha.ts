import type { Segmentation } from './subject-segmentation';

/** Width (px, analysis scale) of the band inside the subject outline where alpha is estimated, not assumed 1. */
const BAND = 2;
/** Window radius for the local subject colour distance. */
const WINDOW = 4;

/**
 * Soft alpha along the outline. A pixel on the edge mixes subject and background: its distance from the
 * background model is about coverage × (distance of the nearby pure subject). So alpha = d / D_local, with
 * D_local the median distance of nearby interior subject pixels. This puts the 50% level on the true edge
 * instead of wherever the background threshold happened to cut the blend (a halo, worse after downscaling).
 * Interior → 255, background → 0.
 */
export function edgeAlpha(seg: Segmentation, width: number, height: number): Uint8Array {
  const { subject, distance, noiseLevel } = seg;
  const depth = depthFromBackground(subject, width, height);
  const alpha = new Uint8Array(width * height);
  const window: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!subject[i]) continue;
      if (depth[i]! > BAND) {
        alpha[i] = 255;
        continue;
      }
      window.length = 0;
      let maxNear = 0;
      for (let wy = Math.max(0, y - WINDOW); wy <= Math.min(height - 1, y + WINDOW); wy++) {
        for (let wx = Math.max(0, x - WINDOW); wx <= Math.min(width - 1, x + WINDOW); wx++) {
          const j = wy * width + wx;
          if (!subject[j]) continue;
          if (depth[j]! > BAND) window.push(distance[j]!);
          else if (distance[j]! > maxNear) maxNear = distance[j]!;
        }
      }
      // Thin parts (no interior nearby): the most distinct edge pixel stands in for the pure subject colour.
      const full = window.length >= 3 ? median(window) : maxNear;
      const span = full - noiseLevel;
      const a = span > seg.threshold ? (distance[i]! - noiseLevel) / span : 1;
      alpha[i] = Math.round(255 * Math.min(1, Math.max(0, a)));
    }
  }
  return alpha;
}

/** Chessboard distance (in px) of subject pixels from the background, computed up to BAND + 1. */
function depthFromBackground(subject: Uint8Array, width: number, height: number): Uint8Array {
  const deep = BAND + 1;
  const depth = new Uint8Array(subject.length).fill(deep);
  let frontier: number[] = [];
  for (let i = 0; i < subject.length; i++) {
    if (!subject[i]) {
      depth[i] = 0;
      continue;
    }
    const x = i % width;
    const y = (i - x) / width;
    // The frame edge counts as background only where the background touches it; a subject cut by the frame
    // (body reaching the bottom) keeps a hard, opaque edge there.
    if (hasBackgroundNeighbour(subject, x, y, width, height)) {
      depth[i] = 1;
      frontier.push(i);
    }
  }
  for (let d = 2; d <= BAND && frontier.length; d++) {
    const next: number[] = [];
    for (const i of frontier) {
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const j = ny * width + nx;
          if (depth[j] === deep) {
            depth[j] = d;
            next.push(j);
          }
        }
      }
    }
    frontier = next;
  }
  return depth;
}

function hasBackgroundNeighbour(subject: Uint8Array, x: number, y: number, width: number, height: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      if (!subject[ny * width + nx]) return true;
    }
  }
  return false;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[values.length >> 1]!;
}
