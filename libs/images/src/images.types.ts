import type { ImageFormat } from './image-format';

/** Limits applied when decoding untrusted bytes; unset fields fall back to AppConfig. */
export interface ImageLimits {
  maxBytes?: number;
  maxPixels?: number;
  maxDimension?: number;
}

export interface ImageInfo {
  format: ImageFormat;
  /** Stored (pre-EXIF-orientation) size. */
  width: number;
  height: number;
  /** Size as displayed, after EXIF orientation: what every other method returns. */
  orientedWidth: number;
  orientedHeight: number;
  hasAlpha: boolean;
  bytes: number;
}

/** Raw 8-bit pixels, row-major, no padding. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface RgbaImage extends RawImage {
  channels: 4;
}

/**
 * An image decoded once for a pipeline of steps (ImagesService.decode): EXIF orientation applied, metadata gone, 8-bit
 * sRGB pixels, 3 bands or 4 with alpha — exactly the pixels normalize()'s PNG holds. The steps that take an
 * ImageSource use them as they are instead of decoding bytes again. Treat `data` as read-only: steps copy.
 */
export interface DecodedImage extends RawImage {
  channels: 3 | 4;
}

/** Encoded bytes (validated and decoded by the step) or an image decode() already decoded. */
export type ImageSource = Buffer | DecodedImage;

/** A single-channel 8-bit mask (0 = background/transparent, 255 = subject/opaque). */
export type AlphaMask = RawImage;

export type OutputFormat = 'png' | 'webp' | 'jpg';

export interface EncodeOptions {
  format: OutputFormat;
  /** WebP/JPEG quality 1-100 (default 90); ignored for PNG. JPEG has no alpha: transparency becomes white. */
  quality?: number;
}

/** An image composited behind the subject, fitted to the output canvas (centred). */
export interface BackgroundImage {
  /** Encoded bytes (validated at upload); decoded with the usual limits. */
  bytes: Buffer;
  /** `cover` fills the canvas (cropping the image), `contain` shows all of it (transparent/bgColor bars). */
  fit: 'cover' | 'contain';
}

export interface ComposeOptions extends EncodeOptions {
  /** '#rrggbb' (flatten, no alpha in output) or '#rrggbbaa' (translucent background, alpha kept). */
  bgColor?: string;
  /** Output the alpha channel alone as a greyscale PNG (format, bgColor, bgImage are ignored). */
  maskOnly?: boolean;
  /** Crop to the bounding box of the subject (alpha above a small threshold). */
  crop?: boolean;
  /**
   * Margin around the cropped subject (only with `crop`): pixels, or CSS-like 1/2/4 lengths in px or % of the
   * subject's size (see parseCropMargin). It may reach past the image: the canvas is padded (remove.bg). Default 0.
   */
  cropMargin?: number | string;
  /** Subject placement on the canvas: 'original' (default), 'center' or 'x% y%' (see parsePosition). */
  position?: string;
  /** Subject size: 'original' (default) or '10%'–'100%' of the canvas (see parseScale). */
  scale?: string;
  /** Remove background-colour spill from semi-transparent edge pixels (see decontaminateEdges). */
  decontaminate?: boolean;
  /** Composited behind the subject (over bgColor, if both are given). */
  bgImage?: BackgroundImage;
  /** Test-mode preview: draw a visible semi-transparent diagonal pattern and "PREVIEW" text. */
  watermark?: boolean;
  /** Downscale (never upscale) so the longer side is at most this many pixels, after cropping. */
  maxSide?: number;
}

export interface ComposedImage {
  data: Buffer;
  contentType: 'image/png' | 'image/webp' | 'image/jpeg';
  extension: OutputFormat;
  width: number;
  height: number;
  /** The pixels `data` encodes when that encoding is lossless (RGB/RGBA PNG): a thumbnail needs no decode of `data`. */
  pixels?: DecodedImage;
}

export interface ThumbnailOptions {
  /** Longest side in pixels (fit inside, never upscaled). Default 256. */
  size?: number;
  format?: 'png' | 'webp';
}

export interface ProviderOutputLimits {
  maxBytes: number;
  maxPixels: number;
  maxDimension?: number;
}
