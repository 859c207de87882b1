import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from './images.service';
import { noisy, pngWithDeclaredSize, rgbaWithBox, sharp, solid } from './testing/test-images';

const config = parseConfig({ IMAGE_MAX_PIXELS: '40000000', IMAGE_MAX_DIMENSION: '10000' }) as AppConfig;
const images = new ImagesService(config);

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

/** A JPEG carrying EXIF orientation 6 (stored 400×300, displayed 300×400) and a copyright tag. */
async function rotatedJpeg(): Promise<Buffer> {
  return (
    sharp({ create: { width: 400, height: 300, channels: 3, background: '#3c3' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret-owner' } })
      // withExif's IFD0 Orientation is overwritten by sharp's own orientation field: set it this way.
      .withMetadata({ orientation: 6 })
      .toBuffer()
  );
}

describe('ImagesService.inspect', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('accepts %s with the right dimensions', async (format) => {
    const bytes = await solid(format, 123, 45);
    const info = await images.inspect(bytes);
    expect(info).toEqual({
      format,
      width: 123,
      height: 45,
      orientedWidth: 123,
      orientedHeight: 45,
      hasAlpha: false,
      bytes: bytes.length,
    });
  });

  it('reports alpha', async () => {
    expect((await images.inspect(await solid('png', 10, 10, true))).hasAlpha).toBe(true);
  });

  it('reports dimensions after EXIF orientation', async () => {
    const info = await images.inspect(await rotatedJpeg());
    expect(info).toMatchObject({ width: 400, height: 300, orientedWidth: 300, orientedHeight: 400 });
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['text renamed .jpg', Buffer.from('hello, I am definitely a photo')],
    [
      'SVG with script',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
    ],
    ['PDF', Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n')],
  ])('rejects %s with 415', async (_name, bytes) => {
    expect(await rejection(images.inspect(bytes))).toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
  });

  it('rejects GIF with 415', async () => {
    const err = await rejection(images.inspect(await solid('gif')));
    expect(err).toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
    expect(err.message).toMatch(/GIF/);
  });

  it.each(['jpeg', 'png'] as const)('rejects a truncated %s with 422', async (format) => {
    const full = await noisy(format);
    const truncated = full.subarray(0, Math.floor(full.length * 0.6));
    expect(await rejection(images.inspect(truncated))).toMatchObject({ code: 'UNDECODABLE_IMAGE' });
  });

  it('rejects a corrupt header with 422', async () => {
    const png = await solid('png');
    expect(await rejection(images.inspect(png.subarray(0, 20)))).toMatchObject({ code: 'UNDECODABLE_IMAGE' });
  });

  it('rejects a PNG declaring 100000×100000 with 413 from the header alone, quickly', async () => {
    const bomb = pngWithDeclaredSize(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const started = performance.now();
    const err = await rejection(images.inspect(bomb));
    expect(performance.now() - started).toBeLessThan(500);
    expect(err).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('rejects per-side dimension, pixel count and byte size over the limits with 413', async () => {
    const wide = await solid('png', 300, 10);
    expect(await rejection(images.inspect(wide, { maxDimension: 299 }))).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(await rejection(images.inspect(wide, { maxPixels: 2999 }))).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(await rejection(images.inspect(wide, { maxBytes: wide.length - 1 }))).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
    await expect(images.inspect(wide, { maxDimension: 300, maxPixels: 3000 })).resolves.toMatchObject({ width: 300 });
  });
});

describe('ImagesService.normalize / toRgba / fromRgba', () => {
  it('applies EXIF orientation and strips metadata', async () => {
    const input = await rotatedJpeg();
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const out = await images.normalize(input);
    expect([out.width, out.height]).toEqual([300, 400]);
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 300, height: 400 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(input.includes('secret-owner')).toBe(true);
    expect(out.data.includes('secret-owner')).toBe(false);
  });

  it('decodes to oriented RGBA and downscales preserving aspect', async () => {
    const rgba = await images.toRgba(await rotatedJpeg(), { maxSide: 100 });
    expect(rgba).toMatchObject({ width: 75, height: 100, channels: 4 });
    expect(rgba.data.length).toBe(75 * 100 * 4);
    expect(rgba.data[3]).toBe(255);
  });

  it('never upscales and gives 4 channels for greyscale input', async () => {
    const grey = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#888' } })
      .greyscale()
      .jpeg()
      .toBuffer();
    const rgba = await images.toRgba(grey, { maxSide: 1000 });
    expect(rgba).toMatchObject({ width: 20, height: 10, channels: 4 });
  });

  it('encodes raw RGBA without metadata', async () => {
    const raw = rgbaWithBox(20, 10, { left: 0, top: 0, width: 10, height: 10 });
    for (const format of ['png', 'webp'] as const) {
      const out = await images.fromRgba(raw, 20, 10, { format });
      const meta = await sharp(out).metadata();
      expect(meta).toMatchObject({ format, width: 20, height: 10, hasAlpha: true });
      expect(meta.exif).toBeUndefined();
    }
    expect(await rejection(images.fromRgba(raw, 21, 10, { format: 'png' }))).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('ImagesService.applyAlphaMask', () => {
  it('sets alpha where the mask says, resizing the mask to the image', async () => {
    const image = await solid('jpeg', 40, 20);
    // 4×2 mask: left half background, right half subject.
    const mask = { data: Buffer.from([0, 0, 255, 255, 0, 0, 255, 255]), width: 4, height: 2 };
    const out = await images.applyAlphaMask(image, mask);
    expect(out).toMatchObject({ width: 40, height: 20, channels: 4 });
    const alphaAt = (x: number, y: number) => out.data[(y * 40 + x) * 4 + 3];
    expect(alphaAt(2, 5)).toBe(0);
    expect(alphaAt(37, 15)).toBe(255);
  });

  it('uses a same-size mask as is and multiplies an existing alpha', async () => {
    const image = await solid('png', 2, 1, true); // alpha 0.5 ≈ 128
    const out = await images.applyAlphaMask(image, { data: Buffer.from([255, 0]), width: 2, height: 1 });
    expect(out.data[3]).toBeGreaterThan(120);
    expect(out.data[3]).toBeLessThan(135);
    expect(out.data[7]).toBe(0);
  });

  it('rejects a mask whose buffer does not match its size', async () => {
    const image = await solid('png', 2, 1);
    const err = await rejection(images.applyAlphaMask(image, { data: Buffer.alloc(3), width: 2, height: 1 }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('ImagesService.thumbnail', () => {
  it('fits inside 256 keeping aspect and alpha, no metadata', async () => {
    const big = await solid('png', 1000, 500, true);
    const thumb = await images.thumbnail(big);
    const meta = await sharp(thumb).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 128, hasAlpha: true });
    expect(meta.exif).toBeUndefined();
  });

  it('does not upscale, applies orientation, strips EXIF', async () => {
    const thumb = await images.thumbnail(await rotatedJpeg(), { size: 1000, format: 'png' });
    const meta = await sharp(thumb).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 300, height: 400 });
    expect(meta.exif).toBeUndefined();
    expect(thumb.includes('secret-owner')).toBe(false);
  });

  it('validates its input like inspect', async () => {
    expect(await rejection(images.thumbnail(Buffer.from('<svg/>')))).toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
  });

  describe('encoder settings', () => {
    afterEach(() => vi.restoreAllMocks());

    it('encodes WebP thumbnails at libwebp effort 2 (4, the default, cost more than the resize), outputs at the default', async () => {
      const webp = vi.spyOn(sharp.prototype, 'webp');
      await images.thumbnail(await solid('png', 300, 200, true));
      expect(webp).toHaveBeenLastCalledWith({ quality: 80, alphaQuality: 100, effort: 2 });
      await images.composeOutput(rgbaWithBox(20, 20, { left: 2, top: 2, width: 5, height: 5 }), 20, 20, { format: 'webp' });
      expect(webp).toHaveBeenLastCalledWith({ quality: 90, alphaQuality: 100 });
    });
  });
});

describe('ImagesService.composeOutput', () => {
  const W = 50;
  const H = 40;
  const subject = { left: 10, top: 5, width: 10, height: 10 };
  const rgba = rgbaWithBox(W, H, subject);

  it('png keeps 4 channels (alpha) by default', async () => {
    const out = await images.composeOutput(rgba, W, H, { format: 'png' });
    expect(out).toMatchObject({ contentType: 'image/png', extension: 'png', width: W, height: H });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ channels: 4, hasAlpha: true, width: W, height: H });
  });

  it('png is lossless, zlib level 2–5 (header FLEVEL 1: level 3), every row unfiltered — and so is maskOnly', async () => {
    const soft = Buffer.alloc(W * H * 4);
    for (let i = 0; i < soft.length; i++) soft[i] = (i * 7919) % 251; // no two neighbours alike
    const out = await images.composeOutput(soft, W, H, { format: 'png' });
    expect((await sharp(out.data).raw().toBuffer()).equals(soft)).toBe(true);
    const rows = pngRows(out.data);
    expect(rows.flevel).toBe(1);
    expect(rows.filters).toEqual(new Array(H).fill(0));
    const mask = pngRows((await images.composeOutput(soft, W, H, { format: 'png', maskOnly: true })).data);
    expect(mask).toEqual({ flevel: 1, filters: new Array(H).fill(0) });
  });

  it('webp keeps alpha', async () => {
    const out = await images.composeOutput(rgba, W, H, { format: 'webp' });
    expect(out.contentType).toBe('image/webp');
    expect((await sharp(out.data).metadata()).hasAlpha).toBe(true);
  });

  it('crops to the alpha bounding box, with a pixel margin that pads past the image edge', async () => {
    const tight = await images.composeOutput(rgba, W, H, { format: 'png', crop: true });
    expect([tight.width, tight.height]).toEqual([10, 10]);
    const { data } = await sharp(tight.data).raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(255); // top-left corner is the subject

    const margin = await images.composeOutput(rgba, W, H, { format: 'png', crop: true, cropMargin: 3 });
    expect([margin.width, margin.height]).toEqual([16, 16]);

    // Margin 8 reaches y = -3: the canvas is padded (remove.bg), the subject stays 8 px from every side.
    const padded = await images.composeOutput(rgba, W, H, { format: 'png', crop: true, cropMargin: 8 });
    expect([padded.width, padded.height]).toEqual([26, 26]);
    const raw = await sharp(padded.data).raw().toBuffer();
    expect(raw[(8 * 26 + 8) * 4 + 3]).toBe(255);
    expect(raw[(7 * 26 + 8) * 4 + 3]).toBe(0);
  });

  it('cropMargin per side in px and % of the subject (CSS order top right bottom left)', async () => {
    // Subject 10×10: 10% = 1 px, 50% = 5 px.
    const out = await images.composeOutput(rgba, W, H, { format: 'png', crop: true, cropMargin: '2 50% 0 10%' });
    expect([out.width, out.height]).toEqual([1 + 10 + 5, 2 + 10 + 0]);
    const raw = await sharp(out.data).raw().toBuffer();
    expect(raw[(2 * out.width + 1) * 4 + 3]).toBe(255); // the subject's top-left pixel
    expect(raw[(2 * out.width + 0) * 4 + 3]).toBe(0);
  });

  it('refuses a padded crop over the pixel limits', async () => {
    const small = new ImagesService(parseConfig({ IMAGE_MAX_DIMENSION: '30' }) as AppConfig);
    const err = await rejection(small.composeOutput(rgba, W, H, { format: 'png', crop: true, cropMargin: 20 }));
    expect(err).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('position/scale move and resize the subject on the original canvas', async () => {
    const centred = await images.composeOutput(rgba, W, H, { format: 'png', position: 'center' });
    expect([centred.width, centred.height]).toEqual([W, H]);
    const c = await sharp(centred.data).raw().toBuffer();
    const alphaAt = (buf: Buffer, x: number, y: number, w = W) => buf[(y * w + x) * 4 + 3];
    expect(alphaAt(c, 20, 15)).toBe(255); // (50−10)/2, (40−10)/2
    expect(alphaAt(c, 19, 15)).toBe(0);
    expect(alphaAt(c, 10, 5)).toBe(0); // the old place is empty

    // 50% of a 50×40 canvas: the 10×10 box grows to 20×20 (height limits), centred at (15, 10).
    const scaled = await images.composeOutput(rgba, W, H, { format: 'png', scale: '50%' });
    const s = await sharp(scaled.data).raw().toBuffer();
    expect(alphaAt(s, 15, 10)).toBe(255);
    expect(alphaAt(s, 34, 29)).toBe(255);
    expect(alphaAt(s, 35, 29)).toBe(0);
    expect(alphaAt(s, 14, 10)).toBe(0);

    const corner = await images.composeOutput(rgba, W, H, { format: 'png', position: '100% 100%', crop: true });
    expect([corner.width, corner.height]).toEqual([10, 10]); // crop after placement still finds the subject
  });

  it('jpg is flattened, with no alpha, served as image/jpeg', async () => {
    const out = await images.composeOutput(rgba, W, H, { format: 'jpg', bgColor: '#0000ff' });
    expect(out).toMatchObject({ contentType: 'image/jpeg', extension: 'jpg', width: W, height: H });
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect(data[2]).toBeGreaterThan(230); // blue background
    expect(data[0]).toBeLessThan(25);
  });

  it('bgImage cover fills the canvas behind the subject; contain leaves bars of bgColor', async () => {
    // A 100×20 image: left half yellow, right half cyan.
    const bg = await sharp({ create: { width: 100, height: 20, channels: 3, background: '#ffff00' } })
      .composite([{ input: { create: { width: 50, height: 20, channels: 3, background: '#00ffff' } }, left: 50, top: 0 }])
      .png()
      .toBuffer();
    const cover = await images.composeOutput(rgba, W, H, { format: 'png', bgImage: { bytes: bg, fit: 'cover' } });
    const cv = await sharp(cover.data).raw().toBuffer({ resolveWithObject: true });
    expect(cv.info.channels).toBe(3); // opaque everywhere: no alpha
    const rgbAt = (buf: Buffer, x: number, y: number, ch = 3) => [...buf.subarray((y * W + x) * ch, (y * W + x) * ch + 3)];
    expect(rgbAt(cv.data, 0, 0)).toEqual([255, 255, 0]);
    expect(rgbAt(cv.data, 49, 39)).toEqual([0, 255, 255]);
    expect(rgbAt(cv.data, subject.left, subject.top)).toEqual([255, 0, 0]);

    // contain: the 5:1 image becomes 50×10 centred (rows 15–24); above and below is the bgColor.
    const contain = await images.composeOutput(rgba, W, H, { format: 'png', bgColor: '#000000', bgImage: { bytes: bg, fit: 'contain' } });
    const ct = await sharp(contain.data).raw().toBuffer();
    expect(rgbAt(ct, 0, 0)).toEqual([0, 0, 0]);
    expect(rgbAt(ct, 0, 20)).toEqual([255, 255, 0]);
    expect(rgbAt(ct, 49, 39)).toEqual([0, 0, 0]);

    // contain without a colour keeps transparent bars (PNG) — and jpg turns them white.
    const bars = await images.composeOutput(rgba, W, H, { format: 'png', bgImage: { bytes: bg, fit: 'contain' } });
    expect((await sharp(bars.data).metadata()).hasAlpha).toBe(true);
    const jpg = await images.composeOutput(rgba, W, H, { format: 'jpg', bgImage: { bytes: bg, fit: 'contain' } });
    const jp = await sharp(jpg.data).raw().toBuffer();
    expect(rgbAt(jp, 0, 0).every((v) => v > 245)).toBe(true);
  });

  it('decontaminate removes background spill at the edge and leaves the caller\'s buffer alone', async () => {
    const cut = Buffer.alloc(W * H * 4);
    for (let i = 0; i < W * H; i++) cut.set([0, 255, 0, 0], i * 4); // transparent green screen
    const p = (20 * W + 20) * 4;
    cut.set([255, 255, 255, 255], p); // an opaque white subject pixel
    cut.set([128, 255, 128, 128], p + 4); // its edge neighbour: ~50% white over green
    const input = Buffer.from(cut);
    const out = await images.composeOutput(cut, W, H, { format: 'png', decontaminate: true });
    const raw = await sharp(out.data).raw().toBuffer();
    expect([...raw.subarray(p + 4, p + 8)]).toEqual([255, 255, 255, 128]);
    expect(cut.equals(input)).toBe(true);
  });

  it('keeps the full frame when nothing is opaque', async () => {
    const empty = Buffer.alloc(W * H * 4);
    const out = await images.composeOutput(empty, W, H, { format: 'png', crop: true });
    expect([out.width, out.height]).toEqual([W, H]);
  });

  it('bgColor #rrggbb flattens and removes alpha', async () => {
    const out = await images.composeOutput(rgba, W, H, { format: 'png', bgColor: '#00ff00' });
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect([...data.subarray(0, 3)]).toEqual([0, 255, 0]); // background pixel
    const p = (subject.top * W + subject.left) * 3;
    expect([...data.subarray(p, p + 3)]).toEqual([255, 0, 0]); // subject pixel
  });

  it('bgColor #rrggbbaa gives a translucent background', async () => {
    const out = await images.composeOutput(rgba, W, H, { format: 'png', bgColor: '#0000ff80' });
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect([...data.subarray(0, 4)]).toEqual([0, 0, 255, 128]);
  });

  it('rejects a malformed bgColor', async () => {
    const err = await rejection(images.composeOutput(rgba, W, H, { format: 'png', bgColor: 'red' }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('maskOnly outputs the alpha as a 1-channel greyscale PNG', async () => {
    const out = await images.composeOutput(rgba, W, H, { format: 'webp', maskOnly: true });
    expect(out.contentType).toBe('image/png');
    expect((await sharp(out.data).metadata()).channels).toBe(1);
    // Reading it back as raw would expand to RGB (sharp's 1-channel trap): take the one band.
    const data = await sharp(out.data).extractChannel(0).raw().toBuffer();
    expect(data.length).toBe(W * H);
    expect(data[0]).toBe(0);
    expect(data[subject.top * W + subject.left]).toBe(255);
  });

  it('watermark + maxSide downscales and visibly marks the preview', async () => {
    const big = rgbaWithBox(400, 200, { left: 0, top: 0, width: 400, height: 200 });
    const plain = await images.composeOutput(big, 400, 200, { format: 'png', maxSide: 100 });
    const marked = await images.composeOutput(big, 400, 200, { format: 'png', maxSide: 100, watermark: true });
    expect([marked.width, marked.height]).toEqual([100, 50]);
    const a = await sharp(plain.data).raw().toBuffer();
    const b = await sharp(marked.data).raw().toBuffer();
    let changed = 0;
    for (let i = 0; i < a.length; i += 4) if (Math.abs(a[i + 1]! - b[i + 1]!) > 20) changed++;
    expect(changed / (a.length / 4)).toBeGreaterThan(0.1);
  });

  it('watermark keeps an opaque output opaque and a mask output greyscale', async () => {
    const flat = await images.composeOutput(rgba, W, H, { format: 'png', bgColor: '#ffffff', watermark: true });
    expect((await sharp(flat.data).metadata()).channels).toBe(3);
    const mask = await images.composeOutput(rgba, W, H, { format: 'png', maskOnly: true, watermark: true });
    expect((await sharp(mask.data).metadata()).channels).toBe(1);
  });
});

describe('ImagesService.decodeProviderOutput', () => {
  const limits = { maxBytes: 1_000_000, maxPixels: 4_000_000 };

  it('accepts a valid image', async () => {
    await expect(images.decodeProviderOutput(await solid('png', 64, 64), limits)).resolves.toMatchObject({
      format: 'png',
      width: 64,
    });
  });

  it.each([
    ['HTML error page', async () => Buffer.from('<html><body>502 Bad Gateway</body></html>')],
    ['truncated JPEG', async () => (await noisy('jpeg')).subarray(0, 500)],
    ['too many pixels', async () => pngWithDeclaredSize(4000, 4000)],
    ['too many bytes', async () => noisy('png', 800, 800)],
  ])('reports %s as PROVIDER_ERROR', async (_name, make) => {
    const err = await rejection(images.decodeProviderOutput(await make(), limits));
    expect(err).toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(err.message).toMatch(/AI provider returned an invalid image/);
  });
});

/** A PNG's zlib compression-level flag (FLEVEL: 0 fastest, 1 fast, 2 default, 3 maximum) and each row's filter type. */
function pngRows(png: Buffer): { flevel: number; filters: number[] } {
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  let bytesPerPixel = 0;
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bytesPerPixel = { 0: 1, 2: 3, 4: 2, 6: 4 }[data[9]!]! * (data[8]! / 8);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const stream = Buffer.concat(idat);
  const rows = inflateSync(stream);
  const stride = 1 + width * bytesPerPixel;
  expect(rows.length).toBe(stride * height);
  return { flevel: stream[1]! >> 6, filters: Array.from({ length: height }, (_, y) => rows[y * stride]!) };
}
