import { afterAll, describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../ai-provider.types';
import { ONNX_PROFILES, resolveOnnxProfile } from './onnx-profiles';
import { OnnxInputEncoder } from './onnx-input-encoder';
import { Float32Pool } from './float32-pool';

const row = (providerModel: string, capabilities: Record<string, unknown> = {}): CatalogModel => ({
  modelKey: 'background-remover:x',
  appId: 'background-remover',
  provider: 'onnx',
  providerModel,
  capabilities,
  maxResolution: null,
});

describe('resolveOnnxProfile', () => {
  it('uses capabilities.profile (the seeded catalogue row)', () => {
    expect(resolveOnnxProfile(row('isnet-general-use.onnx', { profile: 'isnet', edgeRefinement: false }))).toEqual(ONNX_PROFILES.isnet);
  });

  it.each([
    ['isnet-general-use.onnx', 'isnet'],
    ['u2net.onnx', 'u2net'],
    ['u2netp.onnx', 'u2net'],
    ['RMBG-1.4.onnx', 'rmbg'],
    ['rmbg-2.0.onnx', 'rmbg2'],
    ['BiRefNet-general.onnx', 'birefnet'],
  ])('guesses %s → %s from the file name', (file, profile) => {
    expect(resolveOnnxProfile(row(file)).name).toBe(profile);
  });

  it('has the reference sizes and normalisation', () => {
    expect(ONNX_PROFILES.isnet).toMatchObject({ inputWidth: 1024, mean: [0.5, 0.5, 0.5], std: [1, 1, 1], postprocess: 'minmax' });
    expect(ONNX_PROFILES.u2net).toMatchObject({ inputWidth: 320, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(ONNX_PROFILES.rmbg).toMatchObject({ inputWidth: 1024, mean: [0.5, 0.5, 0.5], std: [1, 1, 1] });
  });

  it('applies per-row overrides', () => {
    expect(resolveOnnxProfile(row('x.onnx', { profile: 'u2net', inputSize: 512, outputIndex: 2, channelOrder: 'bgr' }))).toMatchObject({
      inputWidth: 512,
      inputHeight: 512,
      outputIndex: 2,
      channelOrder: 'bgr',
    });
  });

  it.each([
    ['an unknown model', row('mystery.onnx')],
    ['an unknown profile', row('x.onnx', { profile: 'nope' })],
    ['a bad override', row('x.onnx', { profile: 'u2net', std: [1, 0, 1] })],
  ])('refuses %s permanently', (_name, model) => {
    expect(() => resolveOnnxProfile(model)).toThrow(expect.objectContaining({ transient: false }));
  });
});

describe('OnnxInputEncoder', () => {
  const encoder = new OnnxInputEncoder();
  afterAll(() => encoder.release());
  /** A profile whose input is w×h, so the pixels pass the resize unchanged (scale 1, half-pixel centres). */
  const sized = (name: string, width: number, height: number, channelOrder: 'rgb' | 'bgr' = 'rgb') => ({ ...ONNX_PROFILES[name]!, inputWidth: width, inputHeight: height, channelOrder });
  const encode = (data: number[], width: number, height: number, channels: 3 | 4, profile: ReturnType<typeof sized>) =>
    encoder.encode({ data: Buffer.from(data), width, height, channels }, profile, new Float32Array(3 * profile.inputWidth * profile.inputHeight));

  it('normalises (x/255 − mean)/std into planar channels in the profile order, dropping an alpha', async () => {
    const rgba = [255, 0, 51, 9, 0, 255, 102, 9]; // two pixels
    expect([...(await encode(rgba, 2, 1, 4, sized('isnet', 2, 1)))].map((v) => +v.toFixed(3))).toEqual([0.5, -0.5, -0.5, 0.5, -0.3, -0.1]);
    expect([...(await encode(rgba, 2, 1, 4, sized('isnet', 2, 1, 'bgr')))].map((v) => +v.toFixed(3))).toEqual([-0.3, -0.1, -0.5, 0.5, 0.5, -0.5]);
  });

  it.each(['isnet', 'u2net'])('gives the per-pixel formula for every byte value (%s, rgb and bgr), to float32 precision', async (name) => {
    const rgb = Array.from({ length: 256 * 3 }, (_, i) => (i * 67) % 256); // every value in every channel
    for (const channelOrder of ['rgb', 'bgr'] as const) {
      const profile = sized(name, 16, 16, channelOrder);
      const order = channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
      const out = await encode(rgb, 16, 16, 3, profile);
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < 256; i++) {
          expect(out[c * 256 + i]).toBeCloseTo((rgb[i * 3 + order[c]!]! / 255 - profile.mean[c]!) / profile.std[c]!, 5);
        }
      }
    }
  });

  it('writes every element of a reused buffer', async () => {
    const profile = sized('isnet', 2, 1);
    const reused = new Float32Array(6).fill(123);
    const image = { data: Buffer.from([0, 128, 255, 255, 0, 128]), width: 2, height: 1, channels: 3 as const };
    expect(Array.from(await encoder.encode(image, profile, reused))).toEqual(Array.from(await encoder.encode(image, profile, new Float32Array(6))));
  });

  it('resizes bilinearly with half-pixel centres (no antialiasing) to the model size', async () => {
    // 2×1 grey [0, 255] → 4×1: source positions −0.25, 0.25, 0.75, 1.25 → 0, ¼, ¾, 1 of the range, then normalised.
    const out = await encode([0, 0, 0, 255, 255, 255], 2, 1, 3, sized('isnet', 4, 1));
    expect([...out.subarray(0, 4)].map((v) => +(v + 0.5).toFixed(5))).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('Float32Pool', () => {
  it('hands back what it was given, by length, and keeps only a few', () => {
    const pool = new Float32Pool(2);
    const [a, b, c] = [new Float32Array(8), new Float32Array(8), new Float32Array(8)];
    pool.give(a);
    pool.give(b);
    pool.give(c); // beyond two per length: dropped
    pool.give(a); // twice: kept once
    expect([pool.take(8), pool.take(8)]).toEqual(expect.arrayContaining([a, b]));
    const fresh = pool.take(8);
    expect(fresh === a || fresh === b || fresh === c).toBe(false);
    expect(pool.take(4)).toHaveLength(4);
  });

  it('drops views and detached buffers', () => {
    const pool = new Float32Pool();
    const backing = new Float32Array(16);
    pool.give(backing.subarray(0, 8));
    const detached = new Float32Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    pool.give(detached);
    pool.give(undefined);
    expect(pool.take(8).buffer).not.toBe(backing.buffer);
  });
});
