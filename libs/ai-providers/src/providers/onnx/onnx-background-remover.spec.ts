import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { ProviderError } from '../../ai-provider.types';
import { CONTRACT_SCENE, runBackgroundRemoverContract } from '../../testing/background-remover.contract';
import { maskIou, renderScene } from '../../testing/test-scenes';
import { OnnxBackgroundRemover } from './onnx-background-remover';
import { channelMeanModel, twoOutputModel, onnxCatalogRow } from './testing/tiny-onnx-model';

/**
 * Models the suite builds itself (tiny-onnx-model.ts): the channel mean of the normalised input, so after the
 * profile's min-max step the mask is the image's brightness — a bright subject on a dark backdrop is cut out
 * exactly where it is, through the real pre/post-processing path.
 */
let modelsDir: string;
let loads: string[];
let remover: OnnxBackgroundRemover;
let config: AppConfig;
let images: ImagesService;

const row = onnxCatalogRow;
const u2netRow = row('u2net-mean.onnx', { profile: 'u2net' });

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'onnx-models-'));
  await writeFile(join(modelsDir, 'u2net-mean.onnx'), channelMeanModel(320));
  await writeFile(join(modelsDir, 'isnet-mean.onnx'), channelMeanModel(1024));
  await writeFile(join(modelsDir, 'two-outputs.onnx'), twoOutputModel(256));
  await writeFile(join(modelsDir, 'corrupt.onnx'), Buffer.from('not a protobuf at all'));
  config = parseConfig({ MODELS_DIR: modelsDir }) as AppConfig;
  images = new ImagesService(config);
  loads = [];
  remover = new OnnxBackgroundRemover(config, images, (path) => {
    loads.push(path);
    return InferenceSession.create(path);
  });
});

afterAll(async () => {
  await remover.onModuleDestroy();
  await rm(modelsDir, { recursive: true, force: true });
});

runBackgroundRemoverContract('onnx (u2net profile, test-built model)', async () => ({ remover, model: u2netRow }));

describe('OnnxBackgroundRemover', () => {
  it('creates one session per model file and reuses it', async () => {
    const scene = await renderScene(images, { ...CONTRACT_SCENE, width: 120, height: 90 });
    const before = loads.filter((p) => p.endsWith('u2net-mean.onnx')).length;
    await Promise.all([1, 2, 3].map(() => remover.removeBackground({ image: scene.image, model: u2netRow })));
    const after = loads.filter((p) => p.endsWith('u2net-mean.onnx')).length;
    expect(after - before).toBeLessThanOrEqual(1);
    expect(after).toBe(1);
  });

  it('runs a 1024×1024 IS-Net-profile model and applies the mask correctly', async () => {
    const scene = await renderScene(images, { ...CONTRACT_SCENE, width: 500, height: 380 });
    const mask = await remover.removeBackground({ image: scene.image, model: row('isnet-mean.onnx', { profile: 'isnet' }) });
    expect(maskIou(mask.data, scene.truth)).toBeGreaterThanOrEqual(0.9);
    const cut = await images.applyAlphaMask(scene.image, mask);
    let wrong = 0;
    for (let i = 0; i < scene.truth.length; i++) {
      const alpha = cut.data[i * 4 + 3]!;
      if (scene.truth[i] ? alpha < 128 : alpha >= 128) wrong++;
    }
    expect(wrong / scene.truth.length).toBeLessThan(0.02);
  });

  it('reads the output the profile names (outputIndex), not just the first', async () => {
    const scene = await renderScene(images, { ...CONTRACT_SCENE, width: 200, height: 150 });
    const model = (outputIndex: number) => row('two-outputs.onnx', { profile: 'u2net', inputSize: 256, outputIndex });
    const right = await remover.removeBackground({ image: scene.image, model: model(1) });
    const wrong = await remover.removeBackground({ image: scene.image, model: model(0) });
    expect(maskIou(right.data, scene.truth)).toBeGreaterThanOrEqual(0.9);
    expect(maskIou(wrong.data, scene.truth)).toBeLessThan(0.5); // output 0 is the negated map
    await expect(remover.removeBackground({ image: scene.image, model: model(2) })).rejects.toThrow(/output/);
  });

  it('refuses a profile whose input size does not match the model', async () => {
    const scene = await renderScene(images, { ...CONTRACT_SCENE, width: 64, height: 64 });
    const err = await remover
      .removeBackground({ image: scene.image, model: row('u2net-mean.onnx', { profile: 'isnet' }) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(/expects input \[1, 3, 320, 320\]/);
  });

  it('fails permanently, and says so in availability, when the model file is missing', async () => {
    const missing = row('isnet-general-use.onnx', { profile: 'isnet' });
    const availability = await remover.availability(missing);
    expect(availability).toEqual({
      available: false,
      detail: `model file ${join(modelsDir, 'isnet-general-use.onnx')} not found`,
      remedy: 'npm run models -- pull isnet-general-use',
    });
    const err = await remover.removeBackground({ image: Buffer.alloc(8), model: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).transient).toBe(false);
  });

  it('reports a corrupt model file as a permanent error, and retries the load next time', async () => {
    const scene = await renderScene(images, { ...CONTRACT_SCENE, width: 64, height: 64 });
    const corrupt = row('corrupt.onnx', { profile: 'u2net' });
    for (let i = 0; i < 2; i++) {
      const err = await remover.removeBackground({ image: scene.image, model: corrupt }).catch((e: unknown) => e);
      expect((err as ProviderError).message).toMatch(/Could not load ONNX model/);
    }
    expect(loads.filter((p) => p.endsWith('corrupt.onnx'))).toHaveLength(2);
  });

  it('refuses model paths outside MODELS_DIR', async () => {
    const escape = row('../etc/passwd', { profile: 'u2net' });
    expect((await remover.availability(escape)).available).toBe(false);
    await expect(remover.removeBackground({ image: Buffer.alloc(8), model: escape })).rejects.toThrow(/inside MODELS_DIR/);
  });

  it('names the pull command for a registry model whose file is not the published one', async () => {
    // isnet-general-use is in the model registry: its md5 is checked once, in the background, then remembered.
    const wrong = row('isnet-general-use.onnx', { profile: 'isnet' });
    await writeFile(join(modelsDir, 'isnet-general-use.onnx'), channelMeanModel(1024));
    try {
      const path = join(modelsDir, 'isnet-general-use.onnx');
      expect(await remover.availability(wrong)).toEqual({
        available: true,
        detail: `ONNX model file ${path} (profile isnet, 1024×1024); md5 check pending`,
      });
      await vi.waitFor(async () => expect((await remover.availability(wrong)).available).toBe(false));
      const after = await remover.availability(wrong);
      expect(after.detail).toMatch(new RegExp(`^model file ${path} is not isnet-general-use: checksum md5:[0-9a-f]{32}, expected md5:fc16ebd8b0c10d971d3513d564d01e29$`));
      expect(after.remedy).toBe('npm run models -- pull isnet-general-use');
    } finally {
      await rm(join(modelsDir, 'isnet-general-use.onnx'));
    }
  });

  it('describes an available model with its profile', async () => {
    expect(await remover.availability(u2netRow)).toEqual({
      available: true,
      detail: `ONNX model file ${join(modelsDir, 'u2net-mean.onnx')} (profile u2net, 320×320)`,
    });
  });
});
