import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeHfServer, FakeReply, greyPng } from './testing/fake-hf-server';
import { ProviderError } from '../../ai-provider.types';
import { CONTRACT_SCENE, runBackgroundRemoverContract } from '../../testing/background-remover.contract';
import { maskIou, renderScene } from '../../testing/test-scenes';
import { decodeBase64Mask, pickForeground } from './hf-foreground-mask';
import { hfKit, HfKit, RMBG, SEGMENTATION_PATH, TEST_TOKEN } from './testing/hf-test-kit';

let fake: FakeHfServer;
let kit: HfKit;
const path = SEGMENTATION_PATH;

beforeAll(async () => {
  vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined); // expected retry warnings
  fake = await FakeHfServer.start();
  kit = hfKit(fake);
});
afterEach(() => fake.reset());
afterAll(async () => {
  vi.restoreAllMocks();
  await fake.close();
});

// The fake endpoint answers the scene's true mask, as a good segmentation model would.
runBackgroundRemoverContract('huggingface (fake endpoint)', async () => ({
  remover: kit.remover,
  model: RMBG,
  prepare: (scene) =>
    fake.script(path, { kind: 'segments', segments: [{ label: 'foreground', mask: greyPng(scene.width, scene.height, scene.truth), score: 0.99 }] }),
}));

describe('HuggingFaceBackgroundRemover on the wire', () => {
  async function scene() {
    return renderScene(kit.images, { ...CONTRACT_SCENE, width: 160, height: 120 });
  }

  it('POSTs the image as base64 inputs with the bearer token', async () => {
    const s = await scene();
    fake.script(path, { kind: 'segments', segments: [{ label: 'foreground', mask: greyPng(160, 120, s.truth) }] });
    await kit.remover.removeBackground({ image: s.image, model: RMBG });
    const [req] = fake.requestsTo(path);
    expect(req!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(req!.json).toEqual({ inputs: s.image.toString('base64') });
  });

  it('scales a mask of another resolution to the image size', async () => {
    const s = await scene();
    const half = new Uint8Array(80 * 60);
    for (let y = 0; y < 60; y++) for (let x = 0; x < 80; x++) half[y * 80 + x] = s.truth[y * 2 * 160 + x * 2]!;
    fake.script(path, { kind: 'segments', segments: [{ label: 'foreground', mask: greyPng(80, 60, half) }] });
    const mask = await kit.remover.removeBackground({ image: s.image, model: RMBG });
    expect([mask.width, mask.height]).toEqual([160, 120]);
    expect(maskIou(mask.data, s.truth)).toBeGreaterThan(0.9);
  });

  it('inverts a mask labelled background', async () => {
    const s = await scene();
    const inverted = s.truth.map((v) => 255 - v);
    fake.script(path, {
      kind: 'segments',
      segments: [
        { label: 'background', mask: greyPng(160, 120, inverted), score: 0.9 },
        { label: 'wall', mask: greyPng(160, 120, new Uint8Array(160 * 120)), score: 0.95 },
      ],
    });
    const mask = await kit.remover.removeBackground({ image: s.image, model: RMBG });
    expect(maskIou(mask.data, s.truth)).toBeGreaterThan(0.95);
  });

  it('retries a 503 "model loading" like text-to-image does', async () => {
    const s = await scene();
    fake.script(
      path,
      { kind: 'loading', estimatedTimeSeconds: 0.05 },
      { kind: 'segments', segments: [{ label: 'foreground', mask: greyPng(160, 120, s.truth) }] },
    );
    await kit.remover.removeBackground({ image: s.image, model: RMBG });
    expect(fake.requestsTo(path)).toHaveLength(2);
  });

  it.each<[string, FakeReply]>([
    ['an empty list', { kind: 'segments', segments: [] }],
    ['a mask that is not base64', { kind: 'segments', segments: [{ label: 'fg', mask: 'not base64 at all!' }] }],
    ['a mask that is not an image', { kind: 'segments', segments: [{ label: 'fg', mask: Buffer.from('hello') }] }],
    ['an object instead of a list', { kind: 'raw', status: 200, contentType: 'application/json', body: '{"label":"x"}' }],
    ['raw image bytes instead of JSON', { kind: 'image' }],
  ])('fails permanently on %s', async (_name, reply) => {
    const s = await scene();
    fake.script(path, reply);
    const err = await kit.remover.removeBackground({ image: s.image, model: RMBG }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).transient).toBe(false);
    expect(fake.requestsTo(path)).toHaveLength(1);
  });

  it('availability names what is missing', async () => {
    expect(await hfKit(fake, { HF_TOKEN: '' }).remover.availability(RMBG)).toEqual({ available: false, detail: 'HF_TOKEN missing' });
    expect(await hfKit(fake, { HF_BG_REMOVAL_ENDPOINT_URL: '' }).remover.availability(RMBG)).toEqual({
      available: false,
      detail: 'HF_BG_REMOVAL_ENDPOINT_URL not set',
    });
    expect(await kit.remover.availability(RMBG)).toEqual({
      available: true,
      detail: `Hugging Face endpoint ${fake.url('')} for briaai/RMBG-2.0`,
    });
  });
});

describe('pickForeground', () => {
  const seg = (label: string, score?: number) => ({ label, mask: 'AAAA', score });

  it('takes the only segment', () => {
    expect(pickForeground([seg('')])).toEqual({ segment: seg(''), invert: false });
  });

  it('prefers a foreground label, then the inverse of a background label, then the best score', () => {
    expect(pickForeground([seg('background', 0.9), seg('person', 0.5)]).segment.label).toBe('person');
    expect(pickForeground([seg('wall', 0.9), seg('background', 0.5)])).toMatchObject({ invert: true });
    expect(pickForeground([seg('wall', 0.4), seg('sky', 0.8)]).segment.label).toBe('sky');
  });

  it('accepts data: URLs and refuses junk', () => {
    expect(decodeBase64Mask('data:image/png;base64,AAEC')).toEqual(Buffer.from([0, 1, 2]));
    expect(() => decodeBase64Mask('@@@')).toThrow(ProviderError);
    expect(() => decodeBase64Mask('')).toThrow(ProviderError);
  });
});
