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

/** Grows a box by `margin` pixels on every side, clamped to the image. */
export function expandBox(box: Box, margin: number, width: number, height: number): Box {
  const m = Math.max(0, Math.floor(margin));
  const left = Math.max(0, box.left - m);
  const top = Math.max(0, box.top - m);
  const right = Math.min(width, box.left + box.width + m);
  const bottom = Math.min(height, box.top + box.height + m);
  return { left, top, width: right - left, height: bottom - top };
}

/** Copies a rectangle out of a packed raw buffer. */
export function cropRaw(data: Buffer, width: number, channels: number, box: Box): Buffer {
  const out = Buffer.allocUnsafe(box.width * box.height * channels);
  const rowBytes = box.width * channels;
  for (let y = 0; y < box.height; y++) {
    const src = ((box.top + y) * width + box.left) * channels;
    data.copy(out, y * rowBytes, src, src + rowBytes);
  }
  return out;
}
