import { describe, expect, it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from './images.service';
import { sharp, solid } from './testing/test-images';

/** The ImagesService methods added for libs/ai-providers: provider masks, our own SVG. */
const config = parseConfig({}) as AppConfig;
const images = new ImagesService(config);
const limits = { maxBytes: 1024 * 1024, maxPixels: 4_000_000 };

async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? 'NO_CODE';
  }
  return undefined;
}

describe('ImagesService.resizeMask', () => {
  it('scales a 1-channel mask and stays 1-channel', async () => {
    const mask = { data: Buffer.from([0, 255, 0, 255]), width: 2, height: 2 };
    const out = await images.resizeMask(mask, 4, 6);
    expect(out.width).toBe(4);
    expect(out.height).toBe(6);
    expect(out.data.length).toBe(24);
  });

  it('rejects a mask whose buffer does not match its size', async () => {
    expect(await rejectionCode(images.resizeMask({ data: Buffer.alloc(3), width: 2, height: 2 }, 4, 4))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('ImagesService.decodeProviderMask', () => {
  it('decodes a greyscale PNG mask to one byte per pixel', async () => {
    const raw = Buffer.alloc(6 * 4);
    raw.fill(255, 0, 12);
    const png = await sharp(raw, { raw: { width: 6, height: 4, channels: 1 } }).png().toBuffer();
    const mask = await images.decodeProviderMask(png, limits);
    expect(mask).toMatchObject({ width: 6, height: 4 });
    expect([...mask.data]).toEqual([...raw]);
  });

  it('takes the grey of an RGB mask', async () => {
    const png = await sharp({ create: { width: 3, height: 3, channels: 3, background: '#fff' } }).png().toBuffer();
    const mask = await images.decodeProviderMask(png, limits);
    expect(mask.data.length).toBe(9);
    expect(mask.data.every((v) => v === 255)).toBe(true);
  });

  it.each([
    ['garbage', Buffer.from('definitely not a png')],
    ['truncated', Buffer.alloc(0)],
  ])('maps %s to PROVIDER_ERROR', async (_name, bytes) => {
    expect(await rejectionCode(images.decodeProviderMask(bytes, limits))).toBe('PROVIDER_ERROR');
  });

  it('enforces the pixel limit', async () => {
    const png = await solid('png', 100, 100);
    expect(await rejectionCode(images.decodeProviderMask(png, { maxBytes: 1e6, maxPixels: 50 }))).toBe(
      'PROVIDER_ERROR',
    );
  });
});

describe('ImagesService.svgToPng', () => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" viewBox="0 0 20 10">' +
    '<rect width="20" height="10" fill="#00ff00"/></svg>';

  it('renders at exactly the requested size', async () => {
    const png = await images.svgToPng(svg, 64, 48);
    const info = await images.inspect(png);
    expect(info).toMatchObject({ format: 'png', width: 64, height: 48 });
    const rgba = await images.toRgba(png);
    expect([...rgba.data.subarray(0, 4)]).toEqual([0, 255, 0, 255]);
  });

  it('refuses sizes beyond the configured maximum', async () => {
    expect(await rejectionCode(images.svgToPng(svg, config.IMAGE_MAX_DIMENSION + 1, 10))).toBe('IMAGE_TOO_LARGE');
    expect(await rejectionCode(images.svgToPng(svg, 0, 10))).toBe('BAD_REQUEST');
  });
});
