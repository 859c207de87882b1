import { sharp } from '../../libs/images/src/testing/test-images';

/**
 * A "product photo": a textured subject (disc + box) on a plain studio background, as JPEG. Generated, not
 * downloaded, so the embedded remover has a realistic easy case.
 */
export async function productPhoto(width = 480, height = 360, format: 'jpeg' | 'png' | 'webp' = 'jpeg'): Promise<Buffer> {
  const r = Math.round(Math.min(width, height) * 0.28);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f4f4f2"/>
    <circle cx="${width / 2}" cy="${height / 2 - r / 3}" r="${r}" fill="#c0392b"/>
    <rect x="${width / 2 - r / 2}" y="${height / 2}" width="${r}" height="${r}" fill="#2c3e50"/>
  </svg>`;
  return sharp(Buffer.from(svg)).toFormat(format).toBuffer();
}

export async function imageInfo(bytes: Buffer): Promise<{ format?: string; width?: number; height?: number; channels?: number; hasAlpha?: boolean }> {
  const meta = await sharp(bytes).metadata();
  return { format: meta.format, width: meta.width, height: meta.height, channels: meta.channels, hasAlpha: meta.hasAlpha };
}

/** Names of the entries in a ZIP (central directory), enough to check what a batch archive holds. */
export function zipEntries(zip: Buffer): string[] {
  const names: string[] = [];
  for (let i = 0; i + 46 <= zip.length; i++) {
    if (zip.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLength = zip.readUInt16LE(i + 28);
    const extraLength = zip.readUInt16LE(i + 30);
    const commentLength = zip.readUInt16LE(i + 32);
    names.push(zip.subarray(i + 46, i + 46 + nameLength).toString('utf8'));
    i += 45 + nameLength + extraLength + commentLength;
  }
  return names;
}
