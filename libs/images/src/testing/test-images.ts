import { crc32, deflateSync } from 'node:zlib';
import { sharp } from '../sharp-instance';

/** Test helpers: every test image is generated here, nothing is downloaded. Not exported from the barrel. */

export async function solid(
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif',
  width = 40,
  height = 30,
  alpha = false,
): Promise<Buffer> {
  const img = sharp({
    create: { width, height, channels: alpha ? 4 : 3, background: { r: 200, g: 60, b: 30, alpha: alpha ? 0.5 : 1 } },
  });
  return img.toFormat(format).toBuffer();
}

/** Noisy pixels so the compressed data is large enough to truncate meaningfully. */
export async function noisy(format: 'jpeg' | 'png' | 'webp', width = 200, height = 150): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .toFormat(format)
    .toBuffer();
}

/** One PNG chunk (length, type, data, CRC): for hand-built PNGs in tests. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([len, typed, crc]);
}

/** A syntactically valid PNG whose IHDR declares width×height (RGBA 8-bit) with a tiny IDAT. */
export function pngWithDeclaredSize(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** width×height RGBA, transparent except an opaque red rectangle. */
export function rgbaWithBox(
  width: number,
  height: number,
  box: { left: number; top: number; width: number; height: number },
): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const p = (y * width + x) * 4;
      data[p] = 255;
      data[p + 3] = 255;
    }
  }
  return data;
}

export { sharp };
