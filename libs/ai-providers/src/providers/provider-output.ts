import { isDomainError } from '@app/common';
import type { AppConfig } from '@app/config';
import type { AlphaMask, ImageInfo, ImagesService, ProviderOutputLimits } from '@app/images';
import { ProviderError } from '../ai-provider.types';

/** Size limits for anything a provider sends back. */
export function providerOutputLimits(config: AppConfig): ProviderOutputLimits {
  return {
    maxBytes: config.PROVIDER_OUTPUT_MAX_BYTES,
    maxPixels: config.IMAGE_MAX_PIXELS,
    maxDimension: config.IMAGE_MAX_DIMENSION,
  };
}

/** Provider output is untrusted: decodable, allowed format, within size limits — or a permanent ProviderError. */
export async function validateProviderImage(images: ImagesService, config: AppConfig, bytes: Buffer): Promise<ImageInfo> {
  return asPermanent(() => images.decodeProviderOutput(bytes, providerOutputLimits(config)));
}

/** A provider's mask image (e.g. base64 PNG from image-segmentation), validated like any output. */
export async function decodeProviderMask(images: ImagesService, config: AppConfig, bytes: Buffer): Promise<AlphaMask> {
  return asPermanent(() => images.decodeProviderMask(bytes, providerOutputLimits(config)));
}

async function asPermanent<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDomainError(err) && !(err instanceof ProviderError)) throw new ProviderError(err.message, false);
    throw err;
  }
}
