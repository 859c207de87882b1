import type { Box } from './alpha-bbox';
import type { CropMargin, SubjectPosition, SubjectScale } from './output-options';
import { resolveCropMargin } from './output-options';

/**
 * Where the subject's bounding box lands on a canvas of canvasWidth×canvasHeight (remove.bg semantics):
 * `scale` fits the box to that fraction of the canvas (keeping its aspect ratio); `position` places it — `original`
 * where it was (when scaled: around its old centre, kept on the canvas), `center`, or x/y fractions of the free space
 * (0 = left/top edge, 0.5 = centred, 1 = right/bottom edge). A scale without a position implies `center`.
 */
export function placeSubject(box: Box, canvasWidth: number, canvasHeight: number, position: SubjectPosition | undefined, scale: SubjectScale): Box {
  const factor = scale === 'original' ? 1 : scale * Math.min(canvasWidth / box.width, canvasHeight / box.height);
  const width = Math.min(canvasWidth, Math.max(1, Math.round(box.width * factor)));
  const height = Math.min(canvasHeight, Math.max(1, Math.round(box.height * factor)));
  const where = position ?? (scale === 'original' ? 'original' : 'center');
  const clampLeft = (v: number) => Math.min(canvasWidth - width, Math.max(0, Math.round(v)));
  const clampTop = (v: number) => Math.min(canvasHeight - height, Math.max(0, Math.round(v)));
  if (where === 'original') {
    if (factor === 1) return { left: box.left, top: box.top, width, height };
    return { left: clampLeft(box.left + box.width / 2 - width / 2), top: clampTop(box.top + box.height / 2 - height / 2), width, height };
  }
  const { x, y } = where === 'center' ? { x: 0.5, y: 0.5 } : where;
  return { left: clampLeft((canvasWidth - width) * x), top: clampTop((canvasHeight - height) * y), width, height };
}

/**
 * The crop rectangle for `crop=true`: the subject's box grown by the margin on each side. It may reach past the
 * image (remove.bg pads the canvas): `copyRegion` fills that part with transparent pixels.
 */
export function marginRect(box: Box, margin: CropMargin): Box {
  const m = resolveCropMargin(margin, box.width, box.height);
  return { left: box.left - m.left, top: box.top - m.top, width: box.width + m.left + m.right, height: box.height + m.top + m.bottom };
}

/** Copies `rect` out of a packed raw image; parts of `rect` outside the image are zero (transparent). */
export function copyRegion(data: Buffer, width: number, height: number, channels: number, rect: Box): Buffer {
  const out = Buffer.alloc(rect.width * rect.height * channels);
  const x0 = Math.max(0, rect.left);
  const x1 = Math.min(width, rect.left + rect.width);
  if (x1 <= x0) return out;
  for (let y = Math.max(0, rect.top); y < Math.min(height, rect.top + rect.height); y++) {
    const src = (y * width + x0) * channels;
    data.copy(out, ((y - rect.top) * rect.width + (x0 - rect.left)) * channels, src, src + (x1 - x0) * channels);
  }
  return out;
}

/** Writes a packed raw `tile` (tileWidth wide) into `canvas` at (left, top); both have the same channel count. */
export function pasteRegion(canvas: Buffer, canvasWidth: number, channels: number, tile: Buffer, tileWidth: number, left: number, top: number): void {
  const rowBytes = tileWidth * channels;
  const rows = tile.length / rowBytes;
  for (let y = 0; y < rows; y++) tile.copy(canvas, ((top + y) * canvasWidth + left) * channels, y * rowBytes, (y + 1) * rowBytes);
}
