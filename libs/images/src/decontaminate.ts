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
 * Window sums are kept for 2·radius+1 rows at a time (a ring of horizontal sums), so memory stays O(width).
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
  const fallback = global.map((s) => s / transparent);

  const span = 2 * radius + 1;
  // Per row slot: for each x, sums over [x−radius, x+radius] of R, G, B of transparent pixels and their count.
  // At most span·255 per entry: fits 16 bits for radius ≤ 127.
  const ring = new Uint16Array(span * width * 4);
  const sumRow = (y: number) => {
    const base = (y % span) * width * 4;
    const row = y * width * 4;
    let r = 0, g = 0, b = 0, n = 0;
    const add = (x: number, sign: number) => {
      const p = row + x * 4;
      if (rgba[p + 3] !== 0) return;
      r += sign * rgba[p]!;
      g += sign * rgba[p + 1]!;
      b += sign * rgba[p + 2]!;
      n += sign;
    };
    for (let x = 0; x < Math.min(radius, width); x++) add(x, 1);
    for (let x = 0; x < width; x++) {
      if (x + radius < width) add(x + radius, 1);
      if (x - radius - 1 >= 0) add(x - radius - 1, -1);
      const o = base + x * 4;
      ring[o] = r;
      ring[o + 1] = g;
      ring[o + 2] = b;
      ring[o + 3] = n;
    }
  };

  for (let y = 0; y < Math.min(radius, height); y++) sumRow(y);
  let changed = 0;
  for (let y = 0; y < height; y++) {
    if (y + radius < height) sumRow(y + radius);
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height - 1, y + radius);
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const a = rgba[p + 3]!;
      if (a === 0 || a === 255) continue;
      let r = 0, g = 0, b = 0, n = 0;
      for (let yy = y0; yy <= y1; yy++) {
        const o = ((yy % span) * width + x) * 4;
        r += ring[o]!;
        g += ring[o + 1]!;
        b += ring[o + 2]!;
        n += ring[o + 3]!;
      }
      const bg = n > 0 ? [r / n, g / n, b / n] : fallback;
      const alpha = a / 255;
      for (let c = 0; c < 3; c++) {
        const unmixed = (rgba[p + c]! - (1 - alpha) * bg[c]!) / alpha;
        rgba[p + c] = Math.min(255, Math.max(0, Math.round(unmixed)));
      }
      changed++;
    }
  }
  return changed;
}
