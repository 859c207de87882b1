import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { FakeHfServer } from './fake-hf-server';
import type { CatalogModel } from '../../../ai-provider.types';
import { HuggingFaceBackgroundRemover } from '../hf-background-remover';
import { HuggingFaceClient } from '../hf-client';
import { HuggingFaceImageGenerator } from '../hf-image-generator';

/** Test wiring for the Hugging Face providers against the local fake server. Never reaches the internet. */
export const TEST_TOKEN = 'hf_fakeTokenThatMustNeverBeLogged1234';
export const TEXT_TO_IMAGE_PATH = '/models/flux';
export const SEGMENTATION_PATH = '/endpoints/rmbg';

export interface HfKit {
  fake: FakeHfServer;
  config: AppConfig;
  images: ImagesService;
  generator: HuggingFaceImageGenerator;
  remover: HuggingFaceBackgroundRemover;
}

/** Millisecond backoff so retry tests stay fast; server hints (estimated_time, Retry-After) are still honoured. */
export const FAST_BACKOFF = { baseDelayMs: 20, maxDelayMs: 200, random: () => 0.5 };

export function hfKit(fake: FakeHfServer, env: Record<string, string> = {}): HfKit {
  const config = parseConfig({
    HF_TOKEN: TEST_TOKEN,
    HF_ENDPOINT_URL: fake.url(TEXT_TO_IMAGE_PATH),
    HF_BG_REMOVAL_ENDPOINT_URL: fake.url(SEGMENTATION_PATH),
    HF_TIMEOUT_MS: '2000',
    HF_MAX_ATTEMPTS: '3',
    HF_MAX_RETRY_WAIT_MS: '5000',
    ...env,
  }) as AppConfig;
  const images = new ImagesService(config);
  const client = new HuggingFaceClient(config, FAST_BACKOFF);
  return {
    fake,
    config,
    images,
    generator: new HuggingFaceImageGenerator(config, client, images),
    remover: new HuggingFaceBackgroundRemover(config, client, images),
  };
}

export const FLUX_DEV: CatalogModel = {
  modelKey: 'avatar-creator:flux-dev-base',
  appId: 'avatar-creator',
  provider: 'huggingface',
  providerModel: 'black-forest-labs/FLUX.1-dev',
  capabilities: { width: 1024, height: 1024, steps: 28, guidanceScale: 3.5 },
  maxResolution: null,
};

export const FLUX_REALISM: CatalogModel = {
  ...FLUX_DEV,
  modelKey: 'avatar-creator:flux-dev-realism',
  capabilities: { width: 1024, height: 1024, steps: 28, guidanceScale: 3.5, lora: 'XLabs-AI/flux-RealismLora', loraScale: 0.9 },
};

export const RMBG: CatalogModel = {
  modelKey: 'background-remover:standard',
  appId: 'background-remover',
  provider: 'huggingface',
  providerModel: 'briaai/RMBG-2.0',
  capabilities: { edgeRefinement: false },
  maxResolution: 4096,
};
