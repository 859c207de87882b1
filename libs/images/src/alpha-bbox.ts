export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Alpha at or below this counts as background when cropping: segmentation masks carry faint noise
 * that would otherwise stretch the box to the whole image.
 */
export const CROP_ALPHA_THRESHOLD = 8;

/** Bounding box of pixels whose alpha exceeds the threshold in an RGBA buffer; null if none. */
export function alphaBoundingBox(
  rgba: Buffer,
  width: number,
  height: number,
  threshold = CROP_ALPHA_THRESHOLD,
): Box | null {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < width; x++) {
      if (rgba[row + x * 4 + 3]! > threshold) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) return null;
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
