import { describe, expect, it } from 'vitest';
import { assertSupportedFormat, decodableFormats, detectRejectedKind, sniffFormat } from './image-format';
import { solid } from './testing/test-images';

function ftyp(major: string, ...compatible: string[]): Buffer {
  const brands = [major, '\0\0\0\0', ...compatible].join('');
  const box = Buffer.alloc(8 + brands.length);
  box.writeUInt32BE(box.length, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(brands, 8, 'latin1');
  return Buffer.concat([box, Buffer.alloc(32)]);
}

function expectUnsupported(bytes: Buffer, named?: RegExp): void {
  try {
    assertSupportedFormat(bytes);
  } catch (err) {
    expect(err).toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
    if (named) expect((err as Error).message).toMatch(named);
    return;
  }
  throw new Error('expected UNSUPPORTED_IMAGE');
}

describe('sniffFormat', () => {
  it('recognises JPEG, PNG, WebP and AVIF from real encoder output', async () => {
    expect(sniffFormat(await solid('jpeg'))).toBe('jpeg');
    expect(sniffFormat(await solid('png'))).toBe('png');
    expect(sniffFormat(await solid('webp'))).toBe('webp');
    expect(sniffFormat(await solid('avif'))).toBe('avif');
  });

  it('tells HEIC from AVIF by ftyp brands', () => {
    expect(sniffFormat(ftyp('heic', 'mif1', 'heic'))).toBe('heif');
    expect(sniffFormat(ftyp('mif1', 'mif1', 'heic'))).toBe('heif');
    expect(sniffFormat(ftyp('mif1', 'mif1', 'avif'))).toBe('avif');
    expect(sniffFormat(ftyp('isom', 'mp41'))).toBeNull();
  });

  it('returns null for other content and never trusts names', async () => {
    expect(sniffFormat(await solid('gif'))).toBeNull();
    expect(sniffFormat(Buffer.from('%PDF-1.7\n'))).toBeNull();
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
    expect(sniffFormat(Buffer.from([0xff, 0xd8]))).toBeNull();
  });
});

describe('detectRejectedKind', () => {
  it('names common non-allowed content', async () => {
    expect(detectRejectedKind(await solid('gif'))).toBe('gif');
    expect(detectRejectedKind(await solid('tiff'))).toBe('tiff');
    expect(detectRejectedKind(Buffer.from('%PDF-1.4 ...'))).toBe('pdf');
    expect(detectRejectedKind(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('svg');
    expect(detectRejectedKind(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<svg/>')]))).toBe('svg');
    expect(detectRejectedKind(Buffer.from('<!DOCTYPE html><html></html>'))).toBe('html');
    expect(detectRejectedKind(Buffer.from('BMW is a car'))).toBe('text');
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(64, 2);
    expect(detectRejectedKind(bmp)).toBe('bmp');
  });
});

describe('assertSupportedFormat', () => {
  it('allows JPEG, PNG, WebP (and AVIF only when this build decodes it)', async () => {
    expect(assertSupportedFormat(await solid('jpeg'))).toBe('jpeg');
    expect(assertSupportedFormat(await solid('png'))).toBe('png');
    expect(assertSupportedFormat(await solid('webp'))).toBe('webp');
    const avif = await solid('avif');
    if (decodableFormats().has('avif')) expect(assertSupportedFormat(avif)).toBe('avif');
    else expectUnsupported(avif, /AVIF/);
  });

  it('rejects HEIC when the sharp build has no HEVC decoder', () => {
    const heic = ftyp('heic', 'mif1', 'heic');
    if (!decodableFormats().has('heif')) expectUnsupported(heic, /HEIF/);
  });

  it('rejects empty, GIF, SVG, PDF and text with 415 naming what was found', async () => {
    expectUnsupported(Buffer.alloc(0), /empty/);
    expectUnsupported(await solid('gif'), /GIF/);
    expectUnsupported(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), /SVG/);
    expectUnsupported(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), /PDF/);
    expectUnsupported(Buffer.from('just some text saved as photo.jpg'), /TEXT/);
    expectUnsupported(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04]), /not a recognised image/);
  });
});
