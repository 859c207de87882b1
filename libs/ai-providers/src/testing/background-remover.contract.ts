import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import type { AvailabilityCheck, BackgroundRemover, CatalogModel } from '../ai-provider.types';
import { ProviderError } from '../ai-provider.types';
import { maskIou, renderScene, Scene } from './test-scenes';

/**
 * Behaviour every BackgroundRemover must have, run per provider from its spec:
 * runBackgroundRemoverContract('onnx', async () => ({ remover, model })). Not exported from the barrel
 * (it imports vitest).
 */
export interface BackgroundRemoverHarness {
  remover: BackgroundRemover & AvailabilityCheck;
  model: CatalogModel;
  /** Called with each scene just before it is sent, so a fake remote can be told the right answer. */
  prepare?: (scene: Scene) => void | Promise<void>;
  cleanup?: () => Promise<void>;
}

/** The shared input: a bright, textured portrait-like subject on a dark studio backdrop, clear of the edges. */
export const CONTRACT_SCENE = { background: 'dark', placement: 'floating', palette: 'bright' } as const;

const images = new ImagesService(parseConfig({}) as AppConfig);

export function runBackgroundRemoverContract(name: string, factory: () => Promise<BackgroundRemoverHarness>): void {
  describe(`BackgroundRemover contract: ${name}`, () => {
    let h: BackgroundRemoverHarness;
    let landscape: Scene;
    let portrait: Scene;

    beforeAll(async () => {
      h = await factory();
      landscape = await renderScene(images, { ...CONTRACT_SCENE, width: 400, height: 300, format: 'png' });
      portrait = await renderScene(images, { ...CONTRACT_SCENE, width: 240, height: 320, format: 'webp', seed: 2 });
    });
    afterAll(async () => h?.cleanup?.());

    async function remove(scene: Scene) {
      await h.prepare?.(scene);
      return h.remover.removeBackground({ image: scene.image, model: h.model });
    }

    it('names its provider', () => {
      expect(h.remover.providerId).toMatch(/^[a-z]+$/);
    });

    it('reports the model as available', async () => {
      const a = await h.remover.availability(h.model);
      expect(a.available, a.detail).toBe(true);
      expect(a.detail.length).toBeGreaterThan(0);
    });

    it('returns a one-byte-per-pixel mask at the image size that matches the subject (IoU ≥ 0.9)', async () => {
      const mask = await remove(landscape);
      expect(mask.width).toBe(landscape.width);
      expect(mask.height).toBe(landscape.height);
      expect(Buffer.isBuffer(mask.data)).toBe(true);
      expect(mask.data.length).toBe(landscape.width * landscape.height);
      expect(maskIou(mask.data, landscape.truth)).toBeGreaterThanOrEqual(0.9);
    });

    it('keeps the subject opaque and the background transparent when the mask is applied', async () => {
      const mask = await remove(landscape);
      const cut = await images.applyAlphaMask(landscape.image, mask);
      const alphaAt = (x: number, y: number) => cut.data[(y * cut.width + x) * 4 + 3]!;
      expect(alphaAt(200, 102)).toBeGreaterThan(220); // head centre
      expect(alphaAt(200, 200)).toBeGreaterThan(220); // body
      expect(alphaAt(5, 5)).toBeLessThan(35); // corner
      expect(alphaAt(380, 150)).toBeLessThan(35); // beside the subject
    });

    it('sizes the mask to a portrait WebP input too', async () => {
      const mask = await remove(portrait);
      expect([mask.width, mask.height]).toEqual([240, 320]);
      expect(maskIou(mask.data, portrait.truth)).toBeGreaterThanOrEqual(0.9);
    });

    it('rejects undecodable input with a client error, not a retryable provider failure', async () => {
      const err = await h.remover
        .removeBackground({ image: Buffer.from('this is not an image'), model: h.model })
        .then(() => undefined, (e: unknown) => e as { code?: string });
      expect(err?.code).toMatch(/^(UNSUPPORTED_IMAGE|UNDECODABLE_IMAGE)$/);
      expect(err instanceof ProviderError && err.transient).toBe(false);
    });

    it('stops at once when the caller has aborted', async () => {
      const controller = new AbortController();
      const reason = new Error('job cancelled');
      controller.abort(reason);
      await expect(
        h.remover.removeBackground({ image: landscape.image, model: h.model, signal: controller.signal }),
      ).rejects.toBe(reason);
    });
  });
}
