import { describe, expect, it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from './images.service';
import type { AlphaMask, DecodedImage } from './images.types';
import { sharp } from './testing/test-images';

/**
 * The worker decodes an upload once (decode) and hands the pixels to every step, where it used to re-encode it as a
 * PNG (normalize) that each step decoded again. Every step must give byte-for-byte what it gave on that PNG.
 */
const images = new ImagesService(parseConfig({}) as AppConfig);

/** Photo-like pixels (gradient + noise): nothing compresses away, every resampling difference would show. */
async function photo(width: number, height: number, channels: 3 | 4) {
  const noise = await sharp({
    create: { width, height, channels, background: { r: 90, g: 140, b: 200, alpha: 0.6 }, noise: { type: 'gaussian', mean: 128, sigma: 50 } },
  })
    .raw()
    .toBuffer();
  const row = width * channels;
  for (let i = 0; i < noise.length; i++) noise[i] = (noise[i]! + ((i % row) * 255) / row) / 2;
  return sharp(noise, { raw: { width, height, channels } });
}

const INPUTS: Record<string, () => Promise<Buffer>> = {
  'JPEG': async () => (await photo(301, 203, 3)).jpeg().toBuffer(),
  'JPEG with EXIF orientation 6': async () => (await photo(301, 203, 3)).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
  'greyscale JPEG': async () => (await photo(301, 203, 3)).toColourspace('b-w').jpeg().toBuffer(),
  'CMYK JPEG': async () => (await photo(301, 203, 3)).toColourspace('cmyk').jpeg().toBuffer(),
  'JPEG with a Display P3 profile': async () => (await photo(301, 203, 3)).jpeg().withIccProfile('p3').toBuffer(),
  'PNG with alpha': async () => (await photo(301, 203, 4)).png().toBuffer(),
  '16-bit PNG with alpha': async () => (await photo(301, 203, 4)).toColourspace('rgb16').png().toBuffer(),
  'palette PNG with transparency': async () => (await photo(301, 203, 4)).png({ palette: true }).toBuffer(),
  'WebP with alpha': async () => (await photo(301, 203, 4)).webp().toBuffer(),
};

/** A soft mask at another size than the image (as a model's output is). */
function mask(width: number, height: number): AlphaMask {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = Math.round((255 * x) / (width - 1)) ^ (y & 7);
  return { data, width, height };
}

describe('ImagesService.decode: the same pixels as the PNG of normalize(), for every step', () => {
  for (const [name, make] of Object.entries(INPUTS)) {
    for (const maxSide of [undefined, 150]) {
      it(`${name}${maxSide ? `, maxSide ${maxSide}` : ''}`, async () => {
        const bytes = await make();
        const png = (await images.normalize(bytes, { maxSide })).data;
        const decoded: DecodedImage = await images.decode(bytes, { maxSide });

        const viaPng = await sharp(png).raw().toBuffer({ resolveWithObject: true });
        expect([decoded.width, decoded.height, decoded.channels]).toEqual([viaPng.info.width, viaPng.info.height, viaPng.info.channels]);
        expect(decoded.data.equals(viaPng.data)).toBe(true);

        const same = async <T>(step: (source: Buffer | DecodedImage) => Promise<T>, bytesOf: (out: T) => Buffer) => {
          const before = Buffer.from(decoded.data);
          expect(bytesOf(await step(decoded)).equals(bytesOf(await step(png)))).toBe(true);
          expect(decoded.data.equals(before)).toBe(true); // steps never write into the shared pixels
        };
        await same((s) => images.toRgba(s), (o) => o.data);
        await same((s) => images.toRgba(s, { maxSide: 64 }), (o) => o.data);
        await same((s) => images.applyAlphaMask(s, mask(40, 30)), (o) => o.data);
        await same((s) => images.applyAlphaMask(s, mask(40, 30), { maxSide: 100 }), (o) => o.data);
        await same((s) => images.thumbnail(s, { size: 64 }), (o) => o);
        expect(await images.sourceSize(decoded)).toEqual(await images.sourceSize(png));
        const reencoded = await images.encodedSource(decoded);
        expect((await sharp(reencoded).raw().toBuffer()).equals(viaPng.data)).toBe(true);
      });
    }
  }

  it('validates like the other decoders', async () => {
    await expect(images.decode(Buffer.from('not an image at all'))).rejects.toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
    const jpeg = await (await photo(64, 48, 3)).jpeg().toBuffer();
    await expect(images.decode(jpeg.subarray(0, jpeg.length / 2))).rejects.toMatchObject({ code: 'UNDECODABLE_IMAGE' });
  });
});

describe('ImagesService.composeOutput pixels', () => {
  it('a PNG output carries its pixels, and the thumbnail from them is the thumbnail of the PNG', async () => {
    const cut = await images.applyAlphaMask(await images.decode(await INPUTS['JPEG']!()), mask(40, 30));
    for (const options of [{}, { bgColor: '#336699' }, { bgColor: '#33669980' }, { crop: true, cropMargin: 10 }, { maxSide: 120, watermark: true }]) {
      const out = await images.composeOutput(cut.data, cut.width, cut.height, { format: 'png', ...options });
      expect(out.pixels).toBeDefined();
      const decoded = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
      expect(out.pixels!.channels).toBe(decoded.info.channels);
      expect(out.pixels!.data.equals(decoded.data)).toBe(true);
      expect((await images.thumbnail(out.pixels!, { size: 64 })).equals(await images.thumbnail(out.data, { size: 64 }))).toBe(true);
    }
  });

  it('lossy outputs and the mask-only PNG carry none (their thumbnail decodes the file)', async () => {
    const cut = await images.applyAlphaMask(await images.decode(await INPUTS['JPEG']!()), mask(40, 30));
    for (const options of [{ format: 'webp' as const }, { format: 'jpg' as const }, { format: 'png' as const, maskOnly: true }]) {
      expect((await images.composeOutput(cut.data, cut.width, cut.height, options)).pixels).toBeUndefined();
    }
  });
});
