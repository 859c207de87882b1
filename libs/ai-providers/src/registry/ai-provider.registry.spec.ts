import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig, ConfigModule, parseConfig } from '@app/config';
import { AiProviderRegistry, AiProvidersModule, CatalogModel, ProviderError } from '../index';
import { EmbeddedAvatarGenerator } from '../providers/embedded/avatar/embedded-avatar-generator';
import { EmbeddedBackgroundRemover } from '../providers/embedded/background/embedded-background-remover';
import { HuggingFaceBackgroundRemover } from '../providers/huggingface/hf-background-remover';
import { HuggingFaceImageGenerator } from '../providers/huggingface/hf-image-generator';
import { OnnxBackgroundRemover } from '../providers/onnx/onnx-background-remover';

/** Rows shaped like the seeded catalogue (apps/cli/src/seed/catalog.data.ts; libs may not import apps). */
const BASIC: CatalogModel = {
  modelKey: 'background-remover:basic',
  appId: 'background-remover',
  provider: 'onnx',
  providerModel: 'isnet-general-use.onnx',
  capabilities: { profile: 'isnet', edgeRefinement: false },
  maxResolution: 2048,
};
const STANDARD: CatalogModel = {
  modelKey: 'background-remover:standard',
  appId: 'background-remover',
  provider: 'huggingface',
  providerModel: 'briaai/RMBG-2.0',
  capabilities: { edgeRefinement: false },
  maxResolution: 4096,
};
const FLUX: CatalogModel = {
  modelKey: 'avatar-creator:flux-dev-realism',
  appId: 'avatar-creator',
  provider: 'huggingface',
  providerModel: 'black-forest-labs/FLUX.1-dev',
  capabilities: { width: 1024, height: 1024, steps: 28, guidanceScale: 3.5, lora: 'XLabs-AI/flux-RealismLora', loraScale: 0.9 },
  maxResolution: null,
};

let modelsDir: string;

async function registryFor(env: Record<string, string>): Promise<AiProviderRegistry> {
  // Production refuses the development webhook secret (config.schema.ts); these tests are about providers.
  const config = parseConfig({ MODELS_DIR: modelsDir, WEBHOOK_SIGNING_SECRET: 'w'.repeat(32), ...env }) as AppConfig;
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), AiProvidersModule] }).compile();
  return moduleRef.get(AiProviderRegistry);
}

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'registry-models-'));
});
afterAll(async () => rm(modelsDir, { recursive: true, force: true }));

describe('AiProviderRegistry (wired by AiProvidersModule)', () => {
  it('serves every model with the embedded default outside production, and says so', async () => {
    const registry = await registryFor({ NODE_ENV: 'development' });
    expect(registry.mappingSource).toBe('*=embedded, installed ONNX models on onnx (non-production default)');
    const { providerId, remover } = registry.backgroundRemover(BASIC);
    expect(providerId).toBe('embedded');
    expect(remover).toBeInstanceOf(EmbeddedBackgroundRemover);
    expect(registry.imageGenerator(FLUX).generator).toBeInstanceOf(EmbeddedAvatarGenerator);

    expect(await registry.availability(BASIC)).toEqual({
      providerId: 'embedded',
      catalogProvider: 'onnx',
      substitute: true,
      available: true,
      detail:
        'embedded default (not the real model): classical removal for plain/studio backgrounds; ' +
        'stands in for onnx "isnet-general-use.onnx" (*=embedded, installed ONNX models on onnx (non-production default))',
    });
    const flux = await registry.availability(FLUX);
    expect(flux).toMatchObject({ providerId: 'embedded', substitute: true, available: true });
    expect(flux.detail).toContain('embedded default (not the real model): procedural DiceBear avatar');
  });

  it('outside production, an ONNX row whose model file is installed runs on ONNX; the others stay embedded', async () => {
    const installed: CatalogModel = { ...BASIC, modelKey: 'background-remover:installed', providerModel: 'installed-u2net.onnx' };
    await writeFile(join(modelsDir, 'installed-u2net.onnx'), Buffer.alloc(16));
    try {
      const registry = await registryFor({ NODE_ENV: 'development' });
      expect(registry.backgroundRemover(installed).remover).toBeInstanceOf(OnnxBackgroundRemover);
      expect(registry.backgroundRemover(BASIC).providerId).toBe('embedded'); // its file is not installed
      expect(registry.backgroundRemover(STANDARD).providerId).toBe('embedded');
      // An explicit AI_PROVIDER_MAP is taken literally.
      const mapped = await registryFor({ NODE_ENV: 'development', AI_PROVIDER_MAP: '*=embedded' });
      expect(mapped.backgroundRemover(installed).providerId).toBe('embedded');
    } finally {
      await rm(join(modelsDir, 'installed-u2net.onnx'));
    }
  });

  it('uses the catalogue providers in production and reports what is missing', async () => {
    const registry = await registryFor({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(registry.backgroundRemover(BASIC).remover).toBeInstanceOf(OnnxBackgroundRemover);
    expect(registry.backgroundRemover(STANDARD).remover).toBeInstanceOf(HuggingFaceBackgroundRemover);
    expect(registry.imageGenerator(FLUX).generator).toBeInstanceOf(HuggingFaceImageGenerator);

    expect(await registry.availability(BASIC)).toEqual({
      providerId: 'onnx',
      catalogProvider: 'onnx',
      substitute: false,
      available: false,
      detail: `model file ${join(modelsDir, 'isnet-general-use.onnx')} not found`,
      remedy: 'npm run models -- pull isnet-general-use',
    });
    expect(await registry.availability(STANDARD)).toMatchObject({ available: false, detail: 'HF_TOKEN missing' });
    expect(await registry.availability(FLUX)).toMatchObject({ available: false, detail: 'HF_TOKEN missing' });
  });

  it('reports a present model file and a configured Hugging Face as available', async () => {
    await writeFile(join(modelsDir, 'isnet-general-use.onnx'), Buffer.alloc(16));
    const registry = await registryFor({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      HF_TOKEN: 'hf_secret',
      HF_BG_REMOVAL_ENDPOINT_URL: 'https://bg.example.endpoints.huggingface.cloud/path?x=1',
    });
    expect(await registry.availability(BASIC)).toMatchObject({
      available: true,
      // Present; its md5 is checked in the background on first sight (model-file-check.spec.ts).
      detail: `ONNX model file ${join(modelsDir, 'isnet-general-use.onnx')} (profile isnet, 1024×1024); md5 check pending`,
    });
    expect(await registry.availability(STANDARD)).toMatchObject({
      available: true,
      detail: 'Hugging Face endpoint https://bg.example.endpoints.huggingface.cloud for briaai/RMBG-2.0',
    });
    expect((await registry.availability(FLUX)).detail).toBe(
      'Hugging Face black-forest-labs/FLUX.1-dev + LoRA XLabs-AI/flux-RealismLora via router (provider auto)',
    );
  });

  it('applies a per-provider map and leaves other providers as catalogued', async () => {
    const registry = await registryFor({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), AI_PROVIDER_MAP: 'huggingface=embedded' });
    expect(registry.providerIdFor(STANDARD)).toBe('embedded');
    expect(registry.providerIdFor(FLUX)).toBe('embedded');
    expect(registry.providerIdFor(BASIC)).toBe('onnx');
  });

  it('refuses a capability the mapped provider lacks, permanently', async () => {
    const registry = await registryFor({ AI_PROVIDER_MAP: 'huggingface=onnx' });
    expect(() => registry.imageGenerator(FLUX)).toThrow(ProviderError);
    expect(() => registry.imageGenerator(FLUX)).toThrow('avatar-creator:flux-dev-realism: provider "onnx" cannot generate images');
    expect(await registry.availability(FLUX)).toMatchObject({
      providerId: 'onnx',
      available: false,
      detail: 'provider "onnx" cannot generate images',
    });
  });

  it('handles unknown providers and apps without throwing from availability', async () => {
    const registry = await registryFor({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    const stray = { ...BASIC, provider: 'replicate' };
    expect(() => registry.backgroundRemover(stray)).toThrow(/provider "replicate" cannot remove backgrounds/);
    expect(await registry.availability(stray)).toMatchObject({ available: false });
    expect(await registry.availability({ ...BASIC, appId: 'upscaler' })).toMatchObject({
      available: false,
      detail: 'unknown app "upscaler": no capability to check',
    });
  });

  it('fails at boot on an invalid AI_PROVIDER_MAP', async () => {
    await expect(registryFor({ AI_PROVIDER_MAP: 'huggingface=magic' })).rejects.toThrow(/Invalid AI_PROVIDER_MAP/);
  });
});
