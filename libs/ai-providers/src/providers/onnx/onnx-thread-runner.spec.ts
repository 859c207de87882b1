import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { ProviderError } from '../../ai-provider.types';
import { CONTRACT_SCENE, runBackgroundRemoverContract } from '../../testing/background-remover.contract';
import { maskIou, renderScene } from '../../testing/test-scenes';
import { OnnxBackgroundRemover } from './onnx-background-remover';
import { cpuSessionOptions } from './onnx-session-cache';
import { OnnxThreadRunner } from './onnx-thread-runner';
import { channelMeanModel, convStackModel, onnxCatalogRow } from './testing/tiny-onnx-model';

/** The production path: models run on their own thread (no injected session loader). */
let modelsDir: string;
let remover: OnnxBackgroundRemover;
let images: ImagesService;

const row = onnxCatalogRow;
const u2netRow = row('u2net-mean.onnx', { profile: 'u2net' });

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'onnx-thread-models-'));
  await writeFile(join(modelsDir, 'u2net-mean.onnx'), channelMeanModel(320));
  const config = parseConfig({ MODELS_DIR: modelsDir }) as AppConfig;
  images = new ImagesService(config);
  remover = new OnnxBackgroundRemover(config, images);
});

afterAll(async () => {
  await remover.onModuleDestroy();
  await rm(modelsDir, { recursive: true, force: true });
});

runBackgroundRemoverContract('onnx on its run thread (u2net profile, test-built model)', async () => ({ remover, model: u2netRow }));

describe('OnnxBackgroundRemover on a run thread', () => {
  it('gives the same mask as running on the calling thread would (concurrent requests included)', async () => {
    const scene = await renderScene(images, { ...CONTRACT_SCENE, width: 160, height: 120 });
    const masks = await Promise.all([1, 2, 3].map(() => remover.removeBackground({ image: scene.image, model: u2netRow })));
    for (const mask of masks) {
      expect(mask.data.equals(masks[0]!.data)).toBe(true);
      expect(maskIou(mask.data, scene.truth)).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('reports a corrupt model file as a permanent error, and loads the file again once it is fixed', async () => {
    const scene = await renderScene(images, { ...CONTRACT_SCENE, width: 64, height: 64 });
    const model = row('fixed-later.onnx', { profile: 'u2net' });
    await writeFile(join(modelsDir, 'fixed-later.onnx'), 'not a protobuf at all');
    const err = await remover.removeBackground({ image: scene.image, model }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).transient).toBe(false);
    expect((err as ProviderError).message).toMatch(/Could not load ONNX model .*fixed-later\.onnx/);
    await writeFile(join(modelsDir, 'fixed-later.onnx'), channelMeanModel(320));
    const mask = await remover.removeBackground({ image: scene.image, model });
    expect(mask.width).toBe(64);
  });
});

describe('OnnxThreadRunner', () => {
  it('leaves the event loop free while a model runs', async () => {
    const path = join(modelsDir, 'slow.onnx');
    await writeFile(path, convStackModel(512, 16, 12));
    const runner = new OnnxThreadRunner(cpuSessionOptions({ intraOpThreads: 1, interOpThreads: 1 }));
    try {
      const info = await runner.load(path);
      expect(info).toMatchObject({ inputNames: ['input'], outputNames: ['mask'], firstInput: { isTensor: true, shape: [1, 3, 512, 512] } });
      const input = new Float32Array(3 * 512 * 512).fill(0.5);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 2);
      const started = performance.now();
      const outputBuffer = new Float32Array(512 * 512);
      const output = await runner.run({ path, inputName: 'input', input, dims: [1, 3, 512, 512], outputName: 'mask', outputBuffer });
      const ms = performance.now() - started;
      clearInterval(timer);
      expect(output).toMatchObject({ type: 'float32', dims: [1, 1, 512, 512] });
      expect(output.data).toHaveLength(512 * 512);
      // Input and output buffer moved to the thread, not copied, and came back: the input for reuse, unchanged.
      expect([input.byteLength, outputBuffer.byteLength]).toEqual([0, 0]);
      expect(output.input).toHaveLength(3 * 512 * 512);
      expect(output.input!.every((v) => v === 0.5)).toBe(true);
      // The output is the model's, wherever it was written: the same as a run with no buffer offered.
      const running = runner.run({ path, inputName: 'input', input: output.input!, dims: [1, 3, 512, 512], outputName: 'mask' });
      // Meanwhile (once the run is under way) the next job asks about the model: answered at once, not after the run
      // (the thread answers nothing while it runs).
      await new Promise((resolve) => setTimeout(resolve, Math.min(30, ms / 3)));
      const first = await Promise.race([runner.load(path).then(() => 'load'), running.then(() => 'run')]);
      expect(first).toBe('load');
      const again = await running;
      expect(Buffer.from(again.data!.buffer).equals(Buffer.from(output.data!.buffer))).toBe(true);
      // On the calling thread no timer could fire during the run; here they keep firing (allow for a loaded host).
      expect(ticks).toBeGreaterThan(Math.min(5, ms / 20));
    } finally {
      await runner.release();
    }
  });
});
