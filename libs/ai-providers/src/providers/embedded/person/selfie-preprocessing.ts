import type { RgbaPixels } from '../background/subject-segmentation';

/** The model's fixed square input (MediaPipe Selfie Segmentation, general model). */
export const SELFIE_SIZE = 256;
/** Grey that transparent pixels are shown on: the model never saw transparency, and their RGB is arbitrary. */
const TRANSPARENT_GREY = 0.5;

/**
 * RGBA → the model input: NHWC float32 [1, 256, 256, 3], RGB in [0, 1], the image stretched to the square
 * (the model was trained that way). Area averaging, not point sampling: when shrinking 512 → 256 every source
 * pixel counts, so fine texture does not alias into patterns the model could mistake for structure.
 */
export function selfieInput(img: RgbaPixels, size: number = SELFIE_SIZE): Float32Array {
  const { data, width, height } = img;
  const out = new Float32Array(size * size * 3);
  const sx = width / size;
  const sy = height / size;
  for (let oy = 0; oy < size; oy++) {
    const y0 = oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < size; ox++) {
      const x0 = ox * sx;
      const x1 = x0 + sx;
      let r = 0;
      let g = 0;
      let b = 0;
      let total = 0;
      // Each source pixel weighted by how much of it the output cell covers (handles up- and downscaling).
      for (let y = Math.floor(y0); y < Math.min(height, Math.ceil(y1)); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(width, Math.ceil(x1)); x++) {
          const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
          const p = (y * width + x) * 4;
          const a = data[p + 3]! / 255;
          r += w * (a * data[p]! / 255 + (1 - a) * TRANSPARENT_GREY);
          g += w * (a * data[p + 1]! / 255 + (1 - a) * TRANSPARENT_GREY);
          b += w * (a * data[p + 2]! / 255 + (1 - a) * TRANSPARENT_GREY);
          total += w;
        }
      }
      const o = (oy * size + ox) * 3;
      out[o] = r / total;
      out[o + 1] = g / total;
      out[o + 2] = b / total;
    }
  }
  return out;
}
