import { boxBlur } from '../background/mask-ops';
import type { PersonProbability } from './selfie-segmenter';

/** Steepness of the probability → alpha ramp: the model's soft 256² edge becomes a ~2-pixel edge at 512. */
const EDGE_GAIN = 4;
/** Feather at analysis scale after the ramp, to hide the staircase of the upsampled grid. */
const FEATHER_RADIUS = 1;

/**
 * The model's probability grid as an 8-bit alpha mask at the analysis size (width × height): bilinear
 * upsampling (pixel centres aligned, as the model stretched the image to its square), a steeper ramp around
 * p = 0.5 so the subject is opaque and the background clear, then a light box feather.
 */
export function personAlpha(prob: PersonProbability, width: number, height: number): Uint8Array {
  const { data, size } = prob;
  const out = new Uint8Array(width * height);
  const sx = size / width;
  const sy = size / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(size - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(size - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(size - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(size - 1, x0 + 1);
      const tx = fx - x0;
      const top = data[y0 * size + x0]! * (1 - tx) + data[y0 * size + x1]! * tx;
      const bottom = data[y1 * size + x0]! * (1 - tx) + data[y1 * size + x1]! * tx;
      const p = top * (1 - ty) + bottom * ty;
      const a = (p - 0.5) * EDGE_GAIN + 0.5;
      out[y * width + x] = a <= 0 ? 0 : a >= 1 ? 255 : Math.round(a * 255);
    }
  }
  return boxBlur(out, width, height, FEATHER_RADIUS);
}
