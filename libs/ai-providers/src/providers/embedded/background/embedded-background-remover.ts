import { Injectable } from '@nestjs/common';
import { ImagesService } from '@app/images';
import {
  AlphaMask,
  AvailabilityCheck,
  BackgroundRemovalRequest,
  BackgroundRemover,
  CatalogModel,
  ProviderAvailability,
} from '../../../ai-provider.types';
import { embeddedDetail } from '../embedded-detail';
import { edgeAlpha } from './edge-alpha';
import { boxBlur } from './mask-ops';
import { segmentSubject } from './subject-segmentation';

/** Longest side the analysis runs at: keeps a 1 MP image well under a second on 2 cores. */
const ANALYSIS_MAX_SIDE = 512;
/** Feather radius at analysis scale, on top of the estimated edge alpha, before the smooth upscale to full size. */
const FEATHER_RADIUS = 1;

/**
 * Classical background removal for plain/studio backgrounds (see subject-segmentation.ts): no key, no network,
 * no model file. Good on product and studio shots; not a substitute for a matting model on busy scenes.
 * An image with no plain background comes back fully opaque rather than wrongly cut.
 */
@Injectable()
export class EmbeddedBackgroundRemover implements BackgroundRemover, AvailabilityCheck {
  readonly providerId = 'embedded';

  constructor(private readonly images: ImagesService) {}

  async availability(model: CatalogModel): Promise<ProviderAvailability> {
    return { available: true, detail: embeddedDetail(model, 'classical removal for plain/studio backgrounds') };
  }

  async removeBackground(request: BackgroundRemovalRequest): Promise<AlphaMask> {
    request.signal?.throwIfAborted();
    const info = await this.images.inspect(request.image);
    const small = await this.images.toRgba(request.image, { maxSide: ANALYSIS_MAX_SIDE });
    request.signal?.throwIfAborted();
    const segmentation = segmentSubject(small);
    const { width, height } = small;
    let alpha: Uint8Array;
    if (segmentation) {
      alpha = boxBlur(edgeAlpha(segmentation, width, height), width, height, FEATHER_RADIUS);
    } else {
      alpha = new Uint8Array(width * height).fill(255);
    }
    const mask = { data: Buffer.from(alpha.buffer, alpha.byteOffset, alpha.length), width, height };
    return this.images.resizeMask(mask, info.orientedWidth, info.orientedHeight);
  }
}
