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
} from '../../../ai-provider.types';
import { assertGenerationRequest } from '../../generation-request';
import { embeddedDetail } from '../embedded-detail';
import { designAvatar } from './avatar-design';
import { avatarSvg } from './avatar-svg';

/**
 * Procedural portrait avatars (DiceBear Lorelei, CC0) so avatar generation works with no key or network.
 * Deterministic: same prompt + seed → same PNG. Steps, guidance and negative prompt have no meaning here.
 */
@Injectable()
export class EmbeddedAvatarGenerator implements ImageGenerator, AvailabilityCheck {
  readonly providerId = 'embedded';

  constructor(
    private readonly config: AppConfig,
    private readonly images: ImagesService,
  ) {}

  async availability(model: CatalogModel): Promise<ProviderAvailability> {
    return { available: true, detail: embeddedDetail(model, 'procedural DiceBear avatar') };
  }

  async generate(request: ImageGenerationRequest): Promise<GeneratedImage> {
    assertGenerationRequest(request, this.config);
    request.signal?.throwIfAborted();
    const svg = avatarSvg(designAvatar(request.prompt, request.seed), request.width, request.height);
    return { data: await this.images.svgToPng(svg, request.width, request.height) };
  }
}
