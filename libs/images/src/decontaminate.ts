/** How far (pixels) from an edge pixel the background colour is sampled. */
export const DECONTAMINATION_RADIUS = 12;

/**
 * Edge colour decontamination, in place on a packed RGBA cut-out. A semi-transparent edge pixel of a photo is a mix
 * I = α·C + (1−α)·B of the subject colour C and the background B, so its colour carries background spill (a green
 * fringe from a green screen). The background colour B is estimated per pixel as the mean colour of the fully
 * transparent pixels within DECONTAMINATION_RADIUS (their RGB is still the original background: the cut-out only
 * changed alpha), else the mean of all fully transparent pixels; then C = (I − (1−α)·B)/α, clamped to 0–255.
 * Only pixels with 0 < α < 255 change; alpha never does. Returns how many pixels were changed.
 *
 * Box sums slide: a ring of 2·radius+1 rows of horizontal sums and their running column total, so the work is O(pixels)
 * and the memory O(width·radius).
 */
export function decontaminateEdges(rgba: Buffer, width: number, height: number, radius = DECONTAMINATION_RADIUS): number {
  const global = [0, 0, 0];
  let transparent = 0;
  let edges = 0;
  for (let p = 0; p < rgba.length; p += 4) {
    const a = rgba[p + 3]!;
    if (a === 0) {
      global[0]! += rgba[p]!;
      global[1]! += rgba[p + 1]!;
      global[2]! += rgba[p + 2]!;
      transparent++;
    } else if (a < 255) edges++;
  }
  if (transparent === 0 || edges === 0) return 0;
  const [fr, fg, fb] = global.map((sum) => sum / transparent) as [number, number, number];

  const span = 2 * radius + 1;
  // ring: per row slot, per x, the sums over [x−radius, x+radius] of R, G, B of transparent pixels and their count
  // (≤ span·255: 16 bits for radius ≤ 127). window: per x, the ring's rows [y−radius, y+radius] added up.
  const ring = new Uint16Array(span * width * 4);
  const window = new Uint32Array(width * 4);
  const sumRow = (y: number) => {
    const base = (y % span) * width * 4;
    const row = y * width * 4;
    let r = 0, g = 0, b = 0, n = 0;
    for (let x = -radius; x < width; x++) {
      const enter = row + (x + radius) * 4;
      if (x + radius < width && rgba[enter + 3] === 0) {
        r += rgba[enter]!;
        g += rgba[enter + 1]!;
        b += rgba[enter + 2]!;
        n++;
      }
      const leave = row + (x - radius - 1) * 4;
      if (x - radius - 1 >= 0 && rgba[leave + 3] === 0) {
        r -= rgba[leave]!;
        g -= rgba[leave + 1]!;
        b -= rgba[leave + 2]!;
        n--;
      }
      if (x < 0) continue;
      const o = base + x * 4;
      ring[o] = r;
      ring[o + 1] = g;
      ring[o + 2] = b;
      ring[o + 3] = n;
    }
  };
  const addSlot = (y: number, sign: 1 | -1) => {
    const base = (y % span) * width * 4;
    for (let i = 0; i < window.length; i++) window[i] += sign * ring[base + i]!;
  };

  for (let y = 0; y < Math.min(radius, height); y++) {
    sumRow(y);
    addSlot(y, 1);
  }
  let changed = 0;
  for (let y = 0; y < height; y++) {
    // Slide the window down one row: the leaving row's slot is the one the entering row reuses.
    if (y - radius - 1 >= 0) addSlot(y - radius - 1, -1);
    if (y + radius < height) {
      sumRow(y + radius);
      addSlot(y + radius, 1);
    }
    for (let x = 0, p = y * width * 4; x < width; x++, p += 4) {
      const a = rgba[p + 3]!;
      if (a === 0 || a === 255) continue;
      const o = x * 4;
      const n = window[o + 3]!;
      const alpha = a / 255;
      const keep = 1 - alpha;
      rgba[p] = unmix(rgba[p]!, n > 0 ? window[o]! / n : fr, alpha, keep);
      rgba[p + 1] = unmix(rgba[p + 1]!, n > 0 ? window[o + 1]! / n : fg, alpha, keep);
      rgba[p + 2] = unmix(rgba[p + 2]!, n > 0 ? window[o + 2]! / n : fb, alpha, keep);
      changed++;
    }
  }
  return changed;
}

/** C = (I − (1−α)·B)/α, rounded and clamped to a byte. */
function unmix(mixed: number, background: number, alpha: number, keep: number): number {
  const v = Math.round((mixed - keep * background) / alpha);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
