/** Binary/greyscale mask operations on row-major w×h arrays (1 byte per pixel). */

/** Pixels reachable from the image border through `passable` pixels (4-connected): 1 reached, 0 not. */
export function floodFromBorder(passable: Uint8Array, width: number, height: number): Uint8Array {
  const reached = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  let head = 0;
  let tail = 0;
  const seed = (i: number) => {
    if (passable[i] && !reached[i]) {
      reached[i] = 1;
      queue[tail++] = i;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % width;
    if (x > 0) seed(i - 1);
    if (x < width - 1) seed(i + 1);
    if (i >= width) seed(i - width);
    if (i < width * (height - 1)) seed(i + width);
  }
  return reached;
}

/**
 * Keeps the main subject: the largest 8-connected foreground component, plus any other at least `minShare` of
 * its size (a product shot with two items), dropping specks of noise, dust or shadow.
 */
export function keepMainComponents(fg: Uint8Array, width: number, height: number, minShare: number): Uint8Array {
  const labels = new Int32Array(width * height);
  const sizes: number[] = [0];
  const queue = new Int32Array(width * height);
  for (let start = 0; start < fg.length; start++) {
    if (!fg[start] || labels[start]) continue;
    const label = sizes.length;
    let head = 0;
    let tail = 0;
    labels[start] = label;
    queue[tail++] = start;
    while (head < tail) {
      const i = queue[head++]!;
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (fg[j] && !labels[j]) {
            labels[j] = label;
            queue[tail++] = j;
          }
        }
      }
    }
    sizes.push(tail);
  }
  const largest = Math.max(0, ...sizes);
  const keep = sizes.map((size) => size > 0 && size >= largest * minShare);
  const out = new Uint8Array(fg.length);
  for (let i = 0; i < fg.length; i++) if (keep[labels[i]!]) out[i] = 1;
  return out;
}

/** Separable box blur of an 8-bit mask (edge pixels clamp). Two passes approximate a Gaussian feather. */
export function boxBlur(src: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius < 1) return src;
  const tmp = new Uint8Array(src.length);
  const out = new Uint8Array(src.length);
  const span = 2 * radius + 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += src[row + clamp(k, width)]!;
    for (let x = 0; x < width; x++) {
      tmp[row + x] = Math.round(sum / span);
      sum += src[row + clamp(x + radius + 1, width)]! - src[row + clamp(x - radius, width)]!;
    }
  }
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += tmp[clamp(k, height) * width + x]!;
    for (let y = 0; y < height; y++) {
      out[y * width + x] = Math.round(sum / span);
      sum += tmp[clamp(y + radius + 1, height) * width + x]! - tmp[clamp(y - radius, height) * width + x]!;
    }
  }
  return out;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
