import { Injectable, Logger } from '@nestjs/common';
import { DomainError, isDomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { alphaBoundingBox, type Box } from './alpha-bbox';
import { parseHexColor, type Rgba } from './color';
import { decontaminateEdges } from './decontaminate';
import { parseCropMargin, parsePosition, parseScale } from './output-options';
import { copyRegion, marginRect, pasteRegion, placeSubject } from './subject-layout';
import { assertSupportedFormat, ImageFormat, sniffFormat } from './image-format';
import type {
  AlphaMask,
  BackgroundImage,
  ComposedImage,
  ComposeOptions,
  DecodedImage,
  EncodeOptions,
  ImageInfo,
  ImageLimits,
  ImageSource,
  ProviderOutputLimits,
  RawImage,
  RgbaImage,
  ThumbnailOptions,
} from './images.types';
import { FAIL_ON, sharp, type Sharp } from './sharp-instance';
import { watermarkSvg } from './watermark';

const decodeLog = new Logger('ImageDecoding');

/** sharp's metadata().format for each sniffed format: the decoder must agree with the magic bytes. */
const DECODER_NAME: Record<ImageFormat, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', heif: 'heif', avif: 'heif' };
const DEFAULT_WEBP_QUALITY = 90;
/**
 * Output PNGs (cut-outs, masks): zlib level 3, rows unfiltered. Lossless, so the pixels are the same at any setting;
 * only time and size change. Measured on 1152×864 cut-outs (CPU per encode, 2-core host): grainy photos 107 → 83 ms
 * for +0.1 % size, flat renders 18 → 9 ms for +8 %. Level 2 was no faster; adaptive filtering (libpng's
 * all-filters heuristic) made flat art 2–4× slower to encode.
 */
const PNG_OUTPUT = { compressionLevel: 3, adaptiveFiltering: false } as const;
/**
 * Thumbnails: libwebp effort (method) 2 instead of sharp's 4. For a 256-px thumbnail with a soft alpha, effort 4
 * cost 27–36 ms of CPU per image (more than the resize), effort 2 11–12 ms, for 0–10 % more bytes.
 */
const THUMBNAIL_WEBP_EFFORT = 2;
const CONTENT_TYPE = { png: 'image/png', webp: 'image/webp', jpg: 'image/jpeg' } as const;

interface Checked {
  format: ImageFormat;
  width: number;
  height: number;
  orientedWidth: number;
  orientedHeight: number;
  hasAlpha: boolean;
  /** Fresh sharp pipeline over the bytes with the decode limits set. */
  open: () => Sharp;
}

/** Raw pixels with any band count (1 grey, 3 RGB, 4 RGBA) between processing passes. */
type Layer = RawImage & { channels: number };

/**
 * Every sharp call in the codebase. Untrusted bytes are sniffed against an allow-list and their header
 * checked against the size limits before any pixel is decoded; decoding uses libvips' own pixel limit and
 * fails on truncated or corrupt data. Outputs never carry input metadata (EXIF, XMP, ICC are dropped and
 * pixels converted to sRGB — sharp's default unless keepMetadata/withMetadata is called, which we never do).
 */
@Injectable()
export class ImagesService {
  constructor(private readonly config: AppConfig) {}

  /** Magic-byte sniffing only (see image-format.ts); does not apply the allow-list. */
  sniffFormat(bytes: Uint8Array): ImageFormat | null {
    return sniffFormat(bytes);
  }

  /** Validates and fully decodes untrusted bytes. 415 unsupported, 413 too large, 422 undecodable. */
  async inspect(bytes: Buffer, limits?: ImageLimits): Promise<ImageInfo> {
    const img = await this.check(bytes, limits);
    // Metadata only reads the header: force a full decode so truncated or corrupt pixel data is caught.
    // A small resize keeps it cheap (JPEG/WebP decode at reduced scale) yet reads every byte of pixel data.
    await this.decoding(() => img.open().resize(64, 64, { fit: 'inside' }).raw().toBuffer());
    return {
      format: img.format,
      width: img.width,
      height: img.height,
      orientedWidth: img.orientedWidth,
      orientedHeight: img.orientedHeight,
      hasAlpha: img.hasAlpha,
      bytes: bytes.length,
    };
  }

  /** EXIF orientation applied, metadata stripped, re-encoded as PNG (alpha kept if present). */
  async normalize(bytes: Buffer, options: { maxSide?: number } = {}): Promise<RawImage> {
    const img = await this.check(bytes);
    const { data, info } = await this.decoding(() => oriented(img, options.maxSide).png().toBuffer({ resolveWithObject: true }));
    return { data, width: info.width, height: info.height };
  }

  /**
   * Validates and decodes untrusted bytes once, for a pipeline of steps that each take an ImageSource: EXIF
   * orientation applied, metadata dropped, 8-bit sRGB with alpha kept if present; optional downscale so the longer
   * side ≤ maxSide. The same pixels as decoding normalize()'s PNG, without encoding and decoding that PNG.
   */
  async decode(bytes: Buffer, options: { maxSide?: number } = {}): Promise<DecodedImage> {
    const img = await this.check(bytes);
    const { data, info } = await this.decoding(() => oriented(img, options.maxSide).raw().toBuffer({ resolveWithObject: true }));
    if ((info.channels !== 3 && info.channels !== 4) || data.length !== info.width * info.height * info.channels) {
      throw new Error(`Expected 8-bit RGB(A) from sharp, got ${info.width}×${info.height}×${info.channels} in ${data.length} bytes`);
    }
    return { data, width: info.width, height: info.height, channels: info.channels };
  }

  /** The oriented size of a source: encoded bytes are validated and fully decoded (inspect()); decoded ones are not. */
  async sourceSize(source: ImageSource): Promise<{ width: number; height: number }> {
    if (isDecoded(source)) return { width: source.width, height: source.height };
    const info = await this.inspect(source);
    return { width: info.orientedWidth, height: info.orientedHeight };
  }

  /** A source as encoded bytes for a remote provider: the bytes themselves, or a decoded image as PNG (no metadata). */
  async encodedSource(source: ImageSource): Promise<Buffer> {
    return isDecoded(source) ? rawInput(source).png().toBuffer() : source;
  }

  /** Decodes to 8-bit sRGB RGBA, orientation applied; optional downscale so the longer side ≤ maxSide. */
  async toRgba(source: ImageSource, options: { maxSide?: number } = {}): Promise<RgbaImage> {
    const pipeline = isDecoded(source) ? fitInside(rawInput(source), options.maxSide) : oriented(await this.check(source), options.maxSide);
    return this.decoding(async () => {
      const { data, info } = await pipeline.toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      return asRgba(data, info.width, info.height, info.channels);
    });
  }

  /** Encodes our own raw RGBA pixels (no metadata). */
  async fromRgba(raw: Buffer, width: number, height: number, options: EncodeOptions): Promise<Buffer> {
    assertRawSize(raw, width, height, 4);
    return encode(rawInput({ data: raw, width, height, channels: 4 }), options).toBuffer();
  }

  /**
   * Cuts the image out with a 1-channel mask (resized to the oriented image when sizes differ).
   * An alpha the image already has is multiplied by the mask, so transparent areas stay transparent.
   */
  async applyAlphaMask(source: ImageSource, mask: AlphaMask, options: { maxSide?: number } = {}): Promise<RgbaImage> {
    assertRawSize(mask.data, mask.width, mask.height, 1);
    if (isDecoded(source) && !(options.maxSide && Math.max(source.width, source.height) > options.maxSide)) {
      return cutOut(source, await resizeMask(mask, source.width, source.height));
    }
    const image = await this.toRgba(source, options);
    const alpha = await resizeMask(mask, image.width, image.height);
    const out = image.data;
    for (let i = 0, p = 3; i < alpha.length; i++, p += 4) {
      out[p] = Math.round((out[p]! * alpha[i]!) / 255);
    }
    return image;
  }

  /** Fit-inside thumbnail (never upscaled), alpha kept, no metadata. */
  async thumbnail(source: ImageSource, options: ThumbnailOptions = {}): Promise<Buffer> {
    const size = options.size ?? 256;
    const pipeline = isDecoded(source) ? rawInput(source) : (await this.check(source)).open().autoOrient();
    return this.decoding(() =>
      encode(
        pipeline.resize(size, size, { fit: 'inside', withoutEnlargement: true }),
        { format: options.format ?? 'webp', quality: 80 },
        THUMBNAIL_WEBP_EFFORT,
      ).toBuffer(),
    );
  }

  /**
   * Final output from a cut-out. Order: decontaminate edges → place the subject (position/scale) → crop to the
   * subject (+cropMargin, padding past the edges) → downscale to maxSide → mask-only, or backgrounds (bgColor under
   * bgImage) → watermark → encode. Each step is its own sharp pass over raw pixels, because sharp reorders
   * operations within one pipeline (flatten and extract run before composite).
   */
  async composeOutput(rgba: Buffer, width: number, height: number, options: ComposeOptions): Promise<ComposedImage> {
    assertRawSize(rgba, width, height, 4);
    let cur: Layer = { data: rgba, width, height, channels: 4 };

    if (options.decontaminate) {
      const data = Buffer.from(cur.data); // the caller's buffer stays as it was
      decontaminateEdges(data, width, height);
      cur = { ...cur, data };
    }
    const position = options.position ? parsePosition(options.position) : undefined;
    const scale = options.scale ? parseScale(options.scale) : 'original';
    if ((position && position !== 'original') || scale !== 'original') {
      const box = alphaBoundingBox(cur.data, cur.width, cur.height);
      if (box) cur = await placeOnCanvas(cur, box, placeSubject(box, cur.width, cur.height, position, scale));
    }
    if (options.crop) {
      const box = alphaBoundingBox(cur.data, cur.width, cur.height);
      // Nothing opaque: keep the whole frame rather than produce an empty image.
      if (box) {
        const rect = marginRect(box, parseCropMargin(options.cropMargin ?? 0));
        this.assertCanvasSize(rect.width, rect.height);
        cur = { data: copyRegion(cur.data, cur.width, cur.height, 4, rect), width: rect.width, height: rect.height, channels: 4 };
      }
    }
    if (options.maxSide && Math.max(cur.width, cur.height) > options.maxSide) {
      cur = await toLayer(rawInput(cur).resize(options.maxSide, options.maxSide, { fit: 'inside' }));
    }

    if (options.maskOnly) {
      const alpha = Buffer.allocUnsafe(cur.width * cur.height);
      for (let i = 0; i < alpha.length; i++) alpha[i] = cur.data[i * 4 + 3]!;
      let grey: Layer = { data: alpha, width: cur.width, height: cur.height, channels: 1 };
      if (options.watermark) grey = await overlayWatermark(grey);
      // A 1-channel raw input is written as RGB unless told otherwise (sharp trap): force b-w.
      const data = await rawInput(grey).removeAlpha().toColourspace('b-w').png(PNG_OUTPUT).toBuffer();
      return { data, contentType: 'image/png', extension: 'png', width: cur.width, height: cur.height };
    }

    const color = options.bgColor ? parseHexColor(options.bgColor) : undefined;
    if (options.bgImage) cur = await dropAlphaIfOpaque(await this.behind(cur, options.bgImage, color));
    else if (color) cur = await applyBackground(cur, color);
    if (options.watermark) {
      const hadAlpha = cur.channels === 4;
      cur = await overlayWatermark(cur);
      // Compositing onto RGB adds an alpha channel; an opaque result must stay opaque-only.
      if (!hadAlpha) cur = await toLayer(rawInput(cur).removeAlpha());
    }
    const data = await encode(rawInput(cur), options).toBuffer();
    const ext = options.format;
    // PNG is lossless: its pixels are `cur`'s, so whoever wants them (the thumbnail) need not decode `data`.
    const pixels = ext === 'png' ? asDecoded(cur) : undefined;
    return { data, contentType: CONTENT_TYPE[ext], extension: ext, width: cur.width, height: cur.height, pixels };
  }

  /** The subject over `bgImage` fitted to its canvas, over `color` (or transparency) where the image leaves gaps. */
  private async behind(subject: Layer, bgImage: BackgroundImage, color: Rgba | undefined): Promise<Layer> {
    const img = await this.check(bgImage.bytes);
    const { width, height } = subject;
    const backdrop = await this.decoding(() =>
      toLayer(
        img
          .open()
          .autoOrient()
          .resize(width, height, { fit: bgImage.fit, position: 'centre', background: { r: 0, g: 0, b: 0, alpha: 0 } })
          .toColourspace('srgb')
          .ensureAlpha(),
      ),
    );
    const base = color ? { r: color.r, g: color.g, b: color.b, alpha: color.alpha / 255 } : { r: 0, g: 0, b: 0, alpha: 0 };
    return toLayer(
      sharp({ create: { width, height, channels: 4, background: base } }).composite([
        { input: backdrop.data, raw: { width, height, channels: 4 } },
        { input: subject.data, raw: { width, height, channels: 4 } },
      ]),
    );
  }

  /** A padded crop is allocated whole: keep it within the decode limits. */
  private assertCanvasSize(width: number, height: number): void {
    const { IMAGE_MAX_DIMENSION: maxDimension, IMAGE_MAX_PIXELS: maxPixels } = this.config;
    if (width > maxDimension || height > maxDimension || width * height > maxPixels) {
      throw new DomainError('IMAGE_TOO_LARGE', `cropMargin makes the output ${width}×${height}; the limits are ${maxDimension} pixels per side and ${maxPixels} in total`, {
        width,
        height,
        maxDimension,
        maxPixels,
      });
    }
  }

  /** Untrusted AI provider responses: the checks of inspect(), any failure reported as PROVIDER_ERROR. */
  async decodeProviderOutput(bytes: Buffer, limits: ProviderOutputLimits): Promise<ImageInfo> {
    return asProviderOutput(() => this.inspect(bytes, limits));
  }

  // --- AI provider support (libs/ai-providers): provider masks, our own SVG artwork ---

  /** Resizes a 1-channel mask to width×height (stays 1-channel); returns it unchanged when the size matches. */
  async resizeMask(mask: AlphaMask, width: number, height: number): Promise<AlphaMask> {
    assertRawSize(mask.data, mask.width, mask.height, 1);
    assertSize(width, height);
    return { data: await resizeMask(mask, width, height), width, height };
  }

  /**
   * An untrusted mask image from an AI provider (e.g. a base64 PNG in an image-segmentation answer) as a
   * 1-channel mask: the checks of inspect(), grey taken from the first band. Failures are PROVIDER_ERROR.
   */
  async decodeProviderMask(bytes: Buffer, limits: ProviderOutputLimits): Promise<AlphaMask> {
    return asProviderOutput(async () => {
      const img = await this.check(bytes, limits);
      // Full decode (failOn 'error'): a truncated mask fails here rather than yielding a partial one.
      const out = await this.decoding(() =>
        toLayer(img.open().autoOrient().removeAlpha().toColourspace('b-w').extractChannel(0)),
      );
      if (out.channels !== 1) throw new Error(`Mask decode produced ${out.channels} channels`);
      return { data: out.data, width: out.width, height: out.height };
    });
  }

  /**
   * Renders OUR OWN SVG (e.g. generated avatar artwork) to a PNG of exactly width×height. Never pass user or
   * provider SVG: librsvg is a large parser, and the upload allow-list rejects SVG for that reason.
   */
  async svgToPng(svg: string, width: number, height: number): Promise<Buffer> {
    assertSize(width, height);
    const maxDimension = this.config.IMAGE_MAX_DIMENSION;
    if (width > maxDimension || height > maxDimension) {
      throw new DomainError('IMAGE_TOO_LARGE', `${width}×${height} exceeds ${maxDimension} pixels per side`);
    }
    return sharp(Buffer.from(svg, 'utf8'), { limitInputPixels: this.config.IMAGE_MAX_PIXELS, failOn: FAIL_ON })
      .resize(width, height, { fit: 'fill' })
      .png({ compressionLevel: 6 })
      .toBuffer();
  }

  private resolveLimits(limits?: ImageLimits): Required<ImageLimits> {
    return {
      maxBytes: limits?.maxBytes ?? this.config.UPLOAD_MAX_BYTES,
      maxPixels: limits?.maxPixels ?? this.config.IMAGE_MAX_PIXELS,
      maxDimension: limits?.maxDimension ?? this.config.IMAGE_MAX_DIMENSION,
    };
  }

  /** Cheap checks, no pixel decoding: size, magic bytes, header dimensions. */
  private async check(bytes: Buffer, limits?: ImageLimits): Promise<Checked> {
    const { maxBytes, maxPixels, maxDimension } = this.resolveLimits(limits);
    const format = assertSupportedFormat(bytes);
    if (bytes.length > maxBytes) {
      throw new DomainError('IMAGE_TOO_LARGE', `The image is ${bytes.length} bytes; the limit is ${maxBytes}`, {
        bytes: bytes.length,
        maxBytes,
      });
    }
    // metadata() enforces limitInputPixels too: lift it here so an oversized header gets our 413 with sizes.
    const meta = await this.decoding(() => sharp(bytes, { limitInputPixels: false, failOn: FAIL_ON }).metadata());
    if (meta.format !== DECODER_NAME[format] || !meta.width || !meta.height) {
      throw new DomainError('UNDECODABLE_IMAGE', 'The image header could not be read');
    }
    const { width, height } = meta;
    if (width > maxDimension || height > maxDimension || width * height > maxPixels) {
      throw new DomainError(
        'IMAGE_TOO_LARGE',
        `The image is ${width}×${height}; the limits are ${maxDimension} pixels per side and ${maxPixels} pixels in total`,
        { width, height, maxDimension, maxPixels },
      );
    }
    return {
      format,
      width,
      height,
      orientedWidth: meta.autoOrient?.width ?? width,
      orientedHeight: meta.autoOrient?.height ?? height,
      hasAlpha: meta.hasAlpha ?? false,
      open: () => sharp(bytes, { limitInputPixels: maxPixels, failOn: FAIL_ON }),
    };
  }

  /** Maps libvips failures on untrusted input to 413/422; DomainErrors pass through. */
  private async decoding<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isDomainError(err)) throw err;
      // The decoder's text (libvips/libheif internals) is logged, never returned to the client.
      const reason = err instanceof Error ? err.message : String(err);
      decodeLog.debug({ reason }, 'image rejected by the decoder');
      if (/pixel limit/i.test(reason)) {
        throw new DomainError('IMAGE_TOO_LARGE', 'The image has too many pixels');
      }
      throw new DomainError('UNDECODABLE_IMAGE', 'The image could not be decoded (truncated or corrupt)');
    }
  }
}

/** Untrusted AI provider output: any DomainError (unsupported, too large, undecodable) becomes PROVIDER_ERROR. */
async function asProviderOutput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isDomainError(err)) throw err;
    throw new DomainError('PROVIDER_ERROR', `The AI provider returned an invalid image: ${err.message}`, {
      cause: err.code,
    });
  }
}

/** A raw layer as a DecodedImage when it is 8-bit RGB or RGBA. */
function asDecoded(layer: Layer): DecodedImage | undefined {
  const { data, width, height, channels } = layer;
  return channels === 3 || channels === 4 ? { data, width, height, channels } : undefined;
}

function isDecoded(source: ImageSource): source is DecodedImage {
  return !Buffer.isBuffer(source);
}

/**
 * RGBA of a decoded image with `alpha` (its size) multiplied into its alpha — for RGB, `alpha` itself, as
 * round(255 × a / 255) = a. One pass over the pixels; the source is not modified.
 */
function cutOut(source: DecodedImage, alpha: Buffer): RgbaImage {
  const { data: src, width, height, channels } = source;
  assertRawSize(src, width, height, channels);
  const out = Buffer.allocUnsafe(width * height * 4);
  if (channels === 3) {
    for (let i = 0, s = 0, p = 0; i < alpha.length; i++, s += 3, p += 4) {
      out[p] = src[s]!;
      out[p + 1] = src[s + 1]!;
      out[p + 2] = src[s + 2]!;
      out[p + 3] = alpha[i]!;
    }
  } else {
    src.copy(out);
    for (let i = 0, p = 3; i < alpha.length; i++, p += 4) out[p] = Math.round((out[p]! * alpha[i]!) / 255);
  }
  return { data: out, width, height, channels: 4 };
}

function rawInput(img: Layer): Sharp {
  const channels = img.channels as 1 | 2 | 3 | 4;
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels } });
}

async function toLayer(pipeline: Sharp): Promise<Layer> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function assertSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new DomainError('BAD_REQUEST', `Invalid raw image size ${width}×${height}`);
  }
}

function assertRawSize(data: Buffer, width: number, height: number, channels: number): void {
  assertSize(width, height);
  if (data.length !== width * height * channels) {
    throw new DomainError(
      'BAD_REQUEST',
      `Raw buffer is ${data.length} bytes; ${width}×${height}×${channels} needs ${width * height * channels}`,
    );
  }
}

function asRgba(data: Buffer, width: number, height: number, channels: number): RgbaImage {
  if (channels !== 4) throw new Error(`Expected 4 channels from sharp, got ${channels}`);
  return { data, width, height, channels: 4 };
}

/** `webpEffort`: libwebp's method (0–6), sharp's default (4) when not given. */
function encode(pipeline: Sharp, options: EncodeOptions, webpEffort?: number): Sharp {
  if (options.format === 'jpg') {
    return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: options.quality ?? DEFAULT_WEBP_QUALITY });
  }
  if (options.format === 'webp') {
    return pipeline.webp({ quality: options.quality ?? DEFAULT_WEBP_QUALITY, alphaQuality: 100, ...(webpEffort === undefined ? {} : { effort: webpEffort }) });
  }
  return pipeline.png(PNG_OUTPUT);
}

/** Resizes a 1-channel mask to width×height; stays 1-channel (extractChannel guards the 3-channel trap). */
async function resizeMask(mask: AlphaMask, width: number, height: number): Promise<Buffer> {
  if (mask.width === width && mask.height === height) return mask.data;
  const out = await toLayer(
    rawInput({ ...mask, channels: 1 }).resize(width, height, { fit: 'fill' }).extractChannel(0),
  );
  if (out.channels !== 1 || out.width !== width || out.height !== height) {
    throw new Error(`Mask resize produced ${out.width}×${out.height}×${out.channels}`);
  }
  return out.data;
}

async function applyBackground(img: Layer, bg: Rgba): Promise<Layer> {
  if (bg.alpha === 0) return img;
  if (bg.alpha === 255) return toLayer(rawInput(img).flatten({ background: { r: bg.r, g: bg.g, b: bg.b } }));
  // Translucent background: "over" compositing keeps a meaningful alpha.
  return toLayer(
    sharp({
      create: { width: img.width, height: img.height, channels: 4, background: { ...bg, alpha: bg.alpha / 255 } },
    }).composite([{ input: img.data, raw: { width: img.width, height: img.height, channels: 4 } }]),
  );
}

/** The subject's box moved/resized to `target` on a transparent canvas of the same size. */
async function placeOnCanvas(img: Layer, box: Box, target: Box): Promise<Layer> {
  let tile = copyRegion(img.data, img.width, img.height, 4, box);
  if (target.width !== box.width || target.height !== box.height) {
    tile = (await toLayer(rawInput({ data: tile, width: box.width, height: box.height, channels: 4 }).resize(target.width, target.height, { fit: 'fill' }))).data;
  }
  const canvas = Buffer.alloc(img.data.length);
  pasteRegion(canvas, img.width, 4, tile, target.width, target.left, target.top);
  return { ...img, data: canvas };
}

/** An RGBA layer whose every pixel is opaque becomes RGB, so the file carries no needless alpha. */
async function dropAlphaIfOpaque(img: Layer): Promise<Layer> {
  if (img.channels !== 4) return img;
  for (let p = 3; p < img.data.length; p += 4) if (img.data[p] !== 255) return img;
  return toLayer(rawInput(img).removeAlpha());
}

async function overlayWatermark(img: Layer): Promise<Layer> {
  return toLayer(rawInput(img).composite([{ input: watermarkSvg(img.width, img.height) }]));
}

/** Decoded with EXIF orientation applied and, when `maxSide` is set, shrunk (never enlarged) to fit it. */
function oriented(img: { open: () => Sharp }, maxSide?: number): Sharp {
  return fitInside(img.open().autoOrient(), maxSide);
}

function fitInside(pipeline: Sharp, maxSide?: number): Sharp {
  return maxSide ? pipeline.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }) : pipeline;
}
