import { describe, expect, it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { runBackgroundRemoverContract } from '../../../testing/background-remover.contract';
import { maskIou, mulberry32, renderScene, SceneOptions } from '../../../testing/test-scenes';
import { buildCase, scoreMask } from '../../../testing/quality/eval-set';
import { EmbeddedBackgroundRemover } from './embedded-background-remover';

const images = new ImagesService(parseConfig({}) as AppConfig);
const remover = new EmbeddedBackgroundRemover(images);
const classicalOnly = new EmbeddedBackgroundRemover(images, null);
/** A catalogue row served by the embedded default in place of its real provider (dev mapping). */
const model = {
  modelKey: 'background-remover:basic',
  appId: 'background-remover',
  provider: 'onnx',
  providerModel: 'isnet-general-use.onnx',
  capabilities: { profile: 'isnet' },
  maxResolution: 2048,
};

runBackgroundRemoverContract('embedded', async () => ({ remover, model }));

const cases: Array<[string, SceneOptions]> = [
  ['flat light, floating', { width: 640, height: 480, background: 'light', placement: 'floating', palette: 'colourful' }],
  ['flat light, touching the bottom', { width: 480, height: 640, background: 'light', placement: 'touching-bottom', palette: 'colourful' }],
  ['gradient, floating', { width: 640, height: 480, background: 'gradient', placement: 'floating', palette: 'colourful' }],
  ['gradient, touching the bottom', { width: 600, height: 600, background: 'gradient', placement: 'touching-bottom', palette: 'colourful' }],
  ['gradient, bright subject, WebP', { width: 800, height: 600, background: 'gradient', placement: 'floating', palette: 'bright', format: 'webp' }],
];

describe('EmbeddedBackgroundRemover on generated studio shots', () => {
  it.each(cases)('%s: IoU ≥ 0.9 with the known mask', async (_name, opts) => {
    const scene = await renderScene(images, opts);
    const mask = await remover.removeBackground({ image: scene.image, model });
    expect([mask.width, mask.height]).toEqual([scene.width, scene.height]);
    expect(maskIou(mask.data, scene.truth)).toBeGreaterThanOrEqual(0.9);
  });

  it('feathers the edge: some alpha values between 0 and 255 along the outline', async () => {
    const scene = await renderScene(images, cases[0]![1]);
    const mask = await remover.removeBackground({ image: scene.image, model });
    const partial = mask.data.filter((v) => v > 10 && v < 245).length;
    expect(partial).toBeGreaterThan(500);
    // …but only along the outline: a thin band compared with the subject.
    expect(partial).toBeLessThan(scene.truth.filter((v) => v).length * 0.15);
  });

  it('is fast on a 1-megapixel image (the analysis runs downscaled)', async () => {
    const scene = await renderScene(images, { width: 1000, height: 1000, background: 'gradient', placement: 'floating', palette: 'colourful' });
    await remover.removeBackground({ image: scene.image, model }); // warm-up (JIT)
    const started = performance.now();
    const mask = await remover.removeBackground({ image: scene.image, model });
    const elapsed = performance.now() - started;
    expect(maskIou(mask.data, scene.truth)).toBeGreaterThanOrEqual(0.9);
    // Typically ~0.25 s here; the bound is generous for a loaded CI machine.
    expect(elapsed).toBeLessThan(2_500);
  });

  it('leaves an image with no plain background fully opaque rather than cutting it wrongly', async () => {
    const rand = mulberry32(9);
    const rgba = Buffer.alloc(200 * 150 * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = i % 4 === 3 ? 255 : Math.floor(rand() * 256);
    const noise = await images.fromRgba(rgba, 200, 150, { format: 'png' });
    const mask = await remover.removeBackground({ image: noise, model });
    expect(mask.data.every((v) => v === 255)).toBe(true);
  });

  it('keeps a subject that already has a transparent background', async () => {
    const scene = await renderScene(images, { width: 300, height: 300, background: 'dark', placement: 'floating', palette: 'colourful' });
    const rgba = await images.toRgba(scene.image);
    for (let i = 0; i < scene.truth.length; i++) if (!scene.truth[i]) rgba.data[i * 4 + 3] = 0;
    const png = await images.fromRgba(rgba.data, 300, 300, { format: 'png' });
    const mask = await remover.removeBackground({ image: png, model });
    expect(maskIou(mask.data, scene.truth)).toBeGreaterThanOrEqual(0.9);
  });

  it('says it is the embedded default, not the real model', async () => {
    expect((await remover.availability(model)).detail).toContain('embedded default (not the real model)');
    expect((await remover.availability({ ...model, provider: 'embedded' })).detail).not.toContain('not the real');
  });
});

describe('EmbeddedBackgroundRemover with the bundled person model', () => {
  it('cuts a person out of a cluttered scene far better than the classical remover alone', async () => {
    const scene = await buildCase('person-photo', 'busy', 1);
    const withPerson = await remover.analyse({ image: scene.image, model });
    expect(withPerson.choice).toBe('person');
    const mask = await remover.removeBackground({ image: scene.image, model });
    expect([mask.width, mask.height]).toEqual([scene.width, scene.height]);
    const person = scoreMask(mask.data, scene.truth);
    const classical = scoreMask((await classicalOnly.removeBackground({ image: scene.image, model })).data, scene.truth);
    expect(person.iou).toBeGreaterThanOrEqual(0.85);
    expect(person.iou).toBeGreaterThan(classical.iou + 0.2);
    expect(person.mae).toBeLessThan(classical.mae);
  });

  it('keeps the classical cut for a person on a studio backdrop (both agree; classical edges are sharper)', async () => {
    const scene = await buildCase('person-photo', 'studio', 0);
    const analysis = await remover.analyse({ image: scene.image, model });
    expect(analysis.person?.confident).toBe(true);
    expect(analysis.choice).toBe('classical');
  });

  it('leaves a product on a studio backdrop to the classical remover', async () => {
    const scene = await buildCase('object', 'studio', 0);
    const analysis = await remover.analyse({ image: scene.image, model });
    expect(analysis.person?.confident).toBe(false);
    expect(analysis.choice).toBe('classical');
  });

  it('falls back to classical removal when the person model is unavailable', async () => {
    const broken = new EmbeddedBackgroundRemover(images, { segment: async () => undefined });
    const scene = await renderScene(images, cases[0]![1]);
    const analysis = await broken.analyse({ image: scene.image, model });
    expect(analysis.choice).toBe('classical');
    expect(analysis.person).toBeUndefined();
  });
});
