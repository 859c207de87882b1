import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { buildCase } from '../../../testing/quality/eval-set';
import { mulberry32 } from '../../../testing/test-scenes';
import { assessPerson } from './person-decision';
import { findSelfieModelFile, SELFIE_MODEL_RELATIVE_PATH } from './selfie-model-file';
import { SELFIE_SIZE } from './selfie-preprocessing';
import { SelfieSegmenter, sharedSelfieSegmenter } from './selfie-segmenter';

const images = new ImagesService(parseConfig({}) as AppConfig);

describe('bundled person model (MediaPipe Selfie Segmentation, ONNX)', () => {
  it('is found from the sources, from the build output under dist/, and nowhere else', () => {
    const file = findSelfieModelFile();
    expect(file?.endsWith(SELFIE_MODEL_RELATIVE_PATH)).toBe(true);
    const root = file!.slice(0, -SELFIE_MODEL_RELATIVE_PATH.length);
    expect(findSelfieModelFile(join(root, 'dist/libs/ai-providers/src/providers/embedded/person'))).toBe(file);
    expect(findSelfieModelFile('/')).toBeUndefined();
  });

  it('loads and returns a 256×256 probability grid for a generated image', async () => {
    const rand = mulberry32(3);
    const data = Buffer.alloc(300 * 200 * 4);
    for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : Math.floor(rand() * 256);
    const prob = await sharedSelfieSegmenter().segment({ data, width: 300, height: 200 });
    expect(prob?.size).toBe(SELFIE_SIZE);
    expect(prob?.data.length).toBe(SELFIE_SIZE * SELFIE_SIZE);
    expect(prob!.data.every((p) => p >= 0 && p <= 1)).toBe(true);
    // Noise is not a person.
    expect(assessPerson(prob!).confident).toBe(false);
  });

  it('finds the person in a portrait composited onto a cluttered scene', async () => {
    const scene = await buildCase('person-photo', 'busy', 0);
    const rgba = await images.toRgba(scene.image, { maxSide: 512 });
    const verdict = assessPerson((await sharedSelfieSegmenter().segment(rgba))!);
    expect(verdict.confident).toBe(true);
    // The truth covers ~30–50 % of the frame; the model's area is of the same order.
    const truthShare = scene.truth.filter((a) => a >= 128).length / scene.truth.length;
    expect(Math.abs(verdict.area - truthShare)).toBeLessThan(0.1);
  });

  it('without a model file: warns once and answers undefined (the remover stays classical)', async () => {
    const warn = vi.fn();
    const segmenter = new SelfieSegmenter(null, warn);
    const img = { data: Buffer.alloc(16 * 16 * 4, 255), width: 16, height: 16 };
    expect(await segmenter.segment(img)).toBeUndefined();
    expect(await segmenter.segment(img)).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('with an unreadable model file: warns with the reason and answers undefined', async () => {
    const warn = vi.fn();
    const segmenter = new SelfieSegmenter(__filename, warn); // not an ONNX model
    expect(await segmenter.segment({ data: Buffer.alloc(4, 255), width: 1, height: 1 })).toBeUndefined();
    expect(warn.mock.calls[0]![0]).toMatch(/failed to load/);
  });
});
