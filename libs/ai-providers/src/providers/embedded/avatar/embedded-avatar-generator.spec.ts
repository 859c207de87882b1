import { describe, expect, it } from 'vitest';
import { AppConfig, parseConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { runImageGeneratorContract } from '../../../testing/image-generator.contract';
import { designAvatar } from './avatar-design';
import { AVATAR_STYLE, AVATAR_STYLE_LICENCE } from './avatar-svg';
import { EmbeddedAvatarGenerator } from './embedded-avatar-generator';

const config = parseConfig({}) as AppConfig;
const images = new ImagesService(config);
const generator = new EmbeddedAvatarGenerator(config, images);
const model = {
  modelKey: 'avatar-creator:flux-dev-base',
  appId: 'avatar-creator',
  provider: 'huggingface',
  providerModel: 'black-forest-labs/FLUX.1-dev',
  capabilities: { width: 1024, height: 1024, steps: 28, guidanceScale: 3.5 },
  maxResolution: null,
};

runImageGeneratorContract('embedded', async () => ({ generator, model }));

describe('EmbeddedAvatarGenerator', () => {
  const request = { prompt: 'portrait of a woman with blonde hair and glasses', width: 256, height: 256, model };

  it('is deterministic: same prompt and seed → identical bytes', async () => {
    const a = await generator.generate({ ...request, seed: 42 });
    const b = await generator.generate({ ...request, seed: 42 });
    expect(a.data.equals(b.data)).toBe(true);
  });

  it('varies with the seed and with the prompt', async () => {
    const base = await generator.generate({ ...request, seed: 1 });
    const otherSeed = await generator.generate({ ...request, seed: 2 });
    const otherPrompt = await generator.generate({ ...request, prompt: 'a bearded man', seed: 1 });
    expect(base.data.equals(otherSeed.data)).toBe(false);
    expect(base.data.equals(otherPrompt.data)).toBe(false);
  });

  it('is a full-bleed opaque picture, not a blank canvas', async () => {
    const { data } = await generator.generate({ ...request, seed: 3, width: 200, height: 300 });
    const rgba = await images.toRgba(data);
    const colours = new Set<number>();
    let transparent = 0;
    for (let i = 0; i < rgba.data.length; i += 4) {
      colours.add((rgba.data[i]! << 16) | (rgba.data[i + 1]! << 8) | rgba.data[i + 2]!);
      if (rgba.data[i + 3]! < 255) transparent++;
    }
    expect(transparent).toBe(0);
    expect(colours.size).toBeGreaterThan(50);
  });

  it('lets prompt words steer traits', () => {
    expect(designAvatar('blonde woman with glasses', 1)).toMatchObject({ hairColor: 'e6c36a', glassesProbability: 100 });
    expect(designAvatar('a bearded sailor, serious', 1)).toMatchObject({ beardProbability: 100, mood: 'sad' });
    expect(designAvatar('red hair and freckles', 1)).toMatchObject({ hairColor: 'a5432a', frecklesProbability: 100 });
  });

  it('uses a DiceBear style whose licence allows commercial use without attribution', () => {
    expect(AVATAR_STYLE.meta?.license?.name).toBe(AVATAR_STYLE_LICENCE);
    expect(AVATAR_STYLE_LICENCE).toBe('CC0 1.0');
  });

  it('never puts prompt text into the SVG it renders', async () => {
    const hostile = '<script>alert(1)</script><image href="file:///etc/passwd"/>';
    const { data } = await generator.generate({ ...request, prompt: hostile, seed: 5 });
    expect((await images.inspect(data)).format).toBe('png');
  });

  it('reports itself as the embedded default for a Hugging Face catalogue row', async () => {
    expect((await generator.availability(model)).detail).toBe('embedded default (not the real model): procedural DiceBear avatar');
  });
});
