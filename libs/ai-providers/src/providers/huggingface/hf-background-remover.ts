import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ImagesService } from '@app/images';
import {
  AlphaMask,
  AvailabilityCheck,
  BackgroundRemovalRequest,
  BackgroundRemover,
  CatalogModel,
  ProviderAvailability,
  ProviderError,
} from '../../ai-provider.types';
import { decodeProviderMask } from '../provider-output';
import { endpointOrigin, HuggingFaceClient } from './hf-client';
import { decodeBase64Mask, pickForeground } from './hf-foreground-mask';

/**
 * Background removal on a dedicated Inference Endpoint (HF_BG_REMOVAL_ENDPOINT_URL): the serverless router does
 * not serve RMBG/BiRefNet (custom code). `imageSegmentation` answers masks; the subject's becomes the alpha mask.
 * The endpoint serves whichever model is deployed on it: the catalogue's providerModel is informational here.
 */
@Injectable()
export class HuggingFaceBackgroundRemover implements BackgroundRemover, AvailabilityCheck {
  readonly providerId = 'huggingface';

  constructor(
    private readonly config: AppConfig,
    private readonly hf: HuggingFaceClient,
    private readonly images: ImagesService,
  ) {}

  async availability(model: CatalogModel): Promise<ProviderAvailability> {
    if (!this.hf.hasToken) return { available: false, detail: 'HF_TOKEN missing' };
    const endpoint = this.config.HF_BG_REMOVAL_ENDPOINT_URL;
    if (!endpoint) return { available: false, detail: 'HF_BG_REMOVAL_ENDPOINT_URL not set' };
    return { available: true, detail: `Hugging Face endpoint ${endpointOrigin(endpoint)} for ${model.providerModel}` };
  }

  async removeBackground(request: BackgroundRemovalRequest): Promise<AlphaMask> {
    const endpointUrl = this.config.HF_BG_REMOVAL_ENDPOINT_URL;
    if (!endpointUrl) {
      throw new ProviderError('Hugging Face background removal is not configured: HF_BG_REMOVAL_ENDPOINT_URL', false);
    }
    request.signal?.throwIfAborted();
    // Validates the input and gives the size the mask must have, before anything is sent.
    const size = await this.images.sourceSize(request.image);
    const inputs = new Blob([new Uint8Array(await this.images.encodedSource(request.image))]);
    const segments = await this.hf.call('image-segmentation', request.signal, (client, options) =>
      client.imageSegmentation({ inputs, endpointUrl }, options),
    );
    const { segment, invert } = pickForeground(segments);
    const mask = await decodeProviderMask(this.images, this.config, decodeBase64Mask(segment.mask));
    if (invert) for (let i = 0; i < mask.data.length; i++) mask.data[i] = 255 - mask.data[i]!;
    return this.images.resizeMask(mask, size.width, size.height);
  }
}
