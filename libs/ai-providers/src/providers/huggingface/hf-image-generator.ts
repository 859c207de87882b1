import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ImagesService } from '@app/images';
import {
  AvailabilityCheck,
  CatalogModel,
  GeneratedImage,
  ImageGenerationRequest,
  ImageGenerator,
  ProviderAvailability,
} from '../../ai-provider.types';
import { assertGenerationRequest } from '../generation-request';
import { validateProviderImage } from '../provider-output';
import { endpointOrigin, HuggingFaceClient } from './hf-client';
import { hfImageCapabilities, textToImageArgs } from './hf-text-to-image-args';

/** FLUX (and any text-to-image model) through the Hugging Face router, or a dedicated endpoint (HF_ENDPOINT_URL). */
@Injectable()
export class HuggingFaceImageGenerator implements ImageGenerator, AvailabilityCheck {
  readonly providerId = 'huggingface';

  constructor(
    private readonly config: AppConfig,
    private readonly hf: HuggingFaceClient,
    private readonly images: ImagesService,
  ) {}

  async availability(model: CatalogModel): Promise<ProviderAvailability> {
    if (!this.hf.hasToken) return { available: false, detail: 'HF_TOKEN missing' };
    let caps;
    try {
      caps = hfImageCapabilities(model);
    } catch (err) {
      return { available: false, detail: (err as Error).message };
    }
    const lora = caps.lora ? ` + LoRA ${caps.lora}` : '';
    const route = this.config.HF_ENDPOINT_URL
      ? `endpoint ${endpointOrigin(this.config.HF_ENDPOINT_URL)}`
      : `router (provider ${caps.inferenceProvider ?? 'auto'})`;
    return { available: true, detail: `Hugging Face ${model.providerModel}${lora} via ${route}` };
  }

  async generate(request: ImageGenerationRequest): Promise<GeneratedImage> {
    assertGenerationRequest(request, this.config);
    const args = textToImageArgs(request, this.config.HF_ENDPOINT_URL);
    const blob = await this.hf.call('text-to-image', request.signal, (client, options) =>
      client.textToImage(args, options),
    );
    const data = Buffer.from(await blob.arrayBuffer());
    await validateProviderImage(this.images, this.config, data);
    return { data };
  }
}
