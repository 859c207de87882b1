import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import type { AvailabilityCheck, CatalogModel, ImageGenerationRequest, ImageGenerator } from '../ai-provider.types';
import { ProviderError } from '../ai-provider.types';

/**
 * Behaviour every ImageGenerator must have, run per provider from its spec. The harness's model must allow at
 * least 512 px. Not exported from the barrel (it imports vitest).
 */
export interface ImageGeneratorHarness {
  generator: ImageGenerator & AvailabilityCheck;
  model: CatalogModel;
  cleanup?: () => Promise<void>;
}

const images = new ImagesService(parseConfig({}) as AppConfig);

export function runImageGeneratorContract(name: string, factory: () => Promise<ImageGeneratorHarness>): void {
  describe(`ImageGenerator contract: ${name}`, () => {
    let h: ImageGeneratorHarness;
    const request = (overrides: Partial<ImageGenerationRequest> = {}): ImageGenerationRequest => ({
      prompt: 'head-and-shoulders portrait of a smiling astronaut, studio light',
      negativePrompt: 'blurry',
      width: 320,
      height: 256,
      steps: 4,
      guidanceScale: 3.5,
      seed: 1234,
      model: h.model,
      ...overrides,
    });

    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.cleanup?.());

    it('names its provider', () => {
      expect(h.generator.providerId).toMatch(/^[a-z]+$/);
    });

    it('reports the model as available', async () => {
      const a = await h.generator.availability(h.model);
      expect(a.available, a.detail).toBe(true);
    });

    it.each([
      [320, 256],
      [256, 384],
    ])('returns a decodable image of %i×%i', async (width, height) => {
      const { data } = await h.generator.generate(request({ width, height }));
      const info = await images.inspect(data);
      expect(['png', 'jpeg', 'webp']).toContain(info.format);
      expect([info.width, info.height]).toEqual([width, height]);
    });

    it('works without the optional parameters', async () => {
      const { data } = await h.generator.generate({ prompt: 'a cat', width: 256, height: 256, model: h.model });
      expect((await images.inspect(data)).width).toBe(256);
    });

    it.each<[string, Partial<ImageGenerationRequest>]>([
      ['an empty prompt', { prompt: '   ' }],
      ['a zero width', { width: 0 }],
      ['a fractional height', { height: 100.5 }],
      ['a size beyond the limit', { width: 100_000 }],
      ['negative steps', { steps: -1 }],
      ['a negative seed', { seed: -5 }],
    ])('refuses %s with a permanent ProviderError', async (_name, overrides) => {
      const err = await h.generator.generate(request(overrides)).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).transient).toBe(false);
      expect((err as ProviderError).code).toBe('PROVIDER_ERROR');
    });

    it('stops at once when the caller has aborted', async () => {
      const controller = new AbortController();
      const reason = new Error('job cancelled');
      controller.abort(reason);
      await expect(h.generator.generate(request({ signal: controller.signal }))).rejects.toBe(reason);
    });
  });
}
