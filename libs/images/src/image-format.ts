import { DomainError } from '@app/common';
import { sharp } from './sharp-instance';

/** Image formats recognised by magic bytes. 'heif' means HEIC/HEIF (HEVC-coded); AVIF is reported separately. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'heif' | 'avif';

/** Content types we recognise only to name them in a 415, never to decode them. */
export type RejectedKind =
  | 'gif' | 'svg' | 'pdf' | 'tiff' | 'bmp' | 'ico' | 'psd' | 'jpeg-xl' | 'jpeg-2000' | 'html' | 'xml' | 'text' | 'zip';

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function startsWith(bytes: Uint8Array, sig: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + sig.length) return false;
  return sig.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(end, bytes.length) - start)).toString('latin1');
}

/** ISO-BMFF `ftyp` box: major brand at 8..12, compatible brands after the minor version. */
function sniffIsoBmff(bytes: Uint8Array): 'heif' | 'avif' | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const boxSize = Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0);
  const end = Math.min(bytes.length, boxSize >= 16 ? boxSize : 16, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(bytes, i, i + 4));
  // AVIF files usually carry `mif1` too, so AVIF brands win.
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (brands.some((b) => HEIC_BRANDS.has(b))) return 'heif';
  return null;
}

/**
 * Detects a candidate image format from magic bytes only (never a file name or a client Content-Type).
 * Returns null for anything else, including formats we refuse; see detectRejectedKind for naming those.
 * Does not apply the allow-list: see assertSupportedFormat.
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  return sniffIsoBmff(bytes);
}

function looksLikeText(head: Uint8Array): boolean {
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) return false;
  }
  return head.length > 0;
}

/** Names well-known non-allowed content so a 415 can say what was uploaded. */
export function detectRejectedKind(bytes: Uint8Array): RejectedKind | null {
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  // BMP: 'BM', file size, then four reserved zero bytes (so text starting with "BM" is not a BMP).
  if (startsWith(bytes, [0x42, 0x4d]) && startsWith(bytes, [0, 0, 0, 0], 6)) return 'bmp';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'ico';
  if (startsWith(bytes, [0x38, 0x42, 0x50, 0x53])) return 'psd';
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'jpeg-xl';
  if (startsWith(bytes, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) {
    return 'jpeg-2000';
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  const head = bytes.subarray(0, 4096);
  if (looksLikeText(head.subarray(0, 512))) {
    const text = Buffer.from(head).toString('utf8').toLowerCase();
    if (text.includes('<svg')) return 'svg';
    if (text.includes('<html') || text.includes('<!doctype html')) return 'html';
    if (text.trimStart().startsWith('<?xml')) return 'xml';
    return 'text';
  }
  // UTF-8/UTF-16 BOMs precede many SVGs.
  if (startsWith(bytes, [0xef, 0xbb, 0xbf]) || startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    return Buffer.from(head).toString('utf8').toLowerCase().includes('<svg') ? 'svg' : 'text';
  }
  return null;
}

/**
 * Which sniffed formats this sharp build can decode. Prebuilt sharp binaries ship libheif with AV1 only
 * (AVIF yes, HEIC no): sharp then lists just '.avif' as the heif loader's suffix.
 */
export function decodableFormats(): ReadonlySet<ImageFormat> {
  const formats = new Set<ImageFormat>(['jpeg', 'png', 'webp']);
  const heif = sharp.format.heif;
  if (heif?.input.buffer) {
    const suffixes = heif.input.fileSuffix ?? [];
    if (suffixes.includes('.avif')) formats.add('avif');
    if (suffixes.includes('.heic') || suffixes.includes('.heif')) formats.add('heif');
  }
  return formats;
}

let cachedDecodable: ReadonlySet<ImageFormat> | undefined;

/** Sniffs and applies the allow-list; throws UNSUPPORTED_IMAGE (415) naming what was found. */
export function assertSupportedFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0) throw new DomainError('UNSUPPORTED_IMAGE', 'The file is empty');
  cachedDecodable ??= decodableFormats();
  const allowed = [...cachedDecodable].map((f) => f.toUpperCase()).join(', ');
  const format = sniffFormat(bytes);
  if (format && cachedDecodable.has(format)) return format;
  const found = format ?? detectRejectedKind(bytes);
  const what = found ? `${found.toUpperCase()} content` : 'content that is not a recognised image';
  throw new DomainError('UNSUPPORTED_IMAGE', `Unsupported file: detected ${what}; allowed formats are ${allowed}`, {
    detected: found ?? 'unknown',
    allowed: [...cachedDecodable],
  });
}
