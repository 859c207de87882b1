import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeHfServer } from './testing/fake-hf-server';
import { runImageGeneratorContract } from '../../testing/image-generator.contract';
import { FLUX_DEV, FLUX_REALISM, hfKit, HfKit, TEST_TOKEN, TEXT_TO_IMAGE_PATH } from './testing/hf-test-kit';
import { textToImageArgs } from './hf-text-to-image-args';

let fake: FakeHfServer;
let kit: HfKit;

beforeAll(async () => {
  fake = await FakeHfServer.start();
  kit = hfKit(fake);
});
afterEach(() => fake.reset());
afterAll(async () => fake.close());

runImageGeneratorContract('huggingface (fake endpoint)', async () => ({ generator: kit.generator, model: FLUX_DEV }));

describe('HuggingFaceImageGenerator on the wire', () => {
  it('POSTs {inputs, parameters} with the bearer token to the endpoint URL', async () => {
    await kit.generator.generate({
      prompt: 'portrait of an astronaut',
      negativePrompt: 'blurry, text',
      width: 512,
      height: 384,
      seed: 99,
      model: FLUX_DEV,
    });
    const [req] = fake.requestsTo(TEXT_TO_IMAGE_PATH);
    expect(req!.method).toBe('POST');
    expect(req!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.json).toEqual({
      inputs: 'portrait of an astronaut',
      parameters: {
        width: 512,
        height: 384,
        num_inference_steps: 28, // from the catalogue row
        guidance_scale: 3.5,
        seed: 99,
        negative_prompt: 'blurry, text',
      },
    });
  });

  it('lets the request override the catalogue steps and guidance', async () => {
    await kit.generator.generate({ prompt: 'x', width: 256, height: 256, steps: 4, guidanceScale: 0, model: FLUX_DEV });
    expect(fake.requests[0]!.json).toMatchObject({ parameters: { num_inference_steps: 4, guidance_scale: 0 } });
  });

  it('passes the LoRA to a dedicated endpoint as parameters.lora / lora_scale', async () => {
    await kit.generator.generate({ prompt: 'x', width: 256, height: 256, model: FLUX_REALISM });
    expect(fake.requests[0]!.json).toMatchObject({
      parameters: { lora: 'XLabs-AI/flux-RealismLora', lora_scale: 0.9 },
    });
  });

  it('reports availability with the route, never the token', async () => {
    const a = await kit.generator.availability(FLUX_REALISM);
    expect(a.available).toBe(true);
    expect(a.detail).toBe(
      `Hugging Face black-forest-labs/FLUX.1-dev + LoRA XLabs-AI/flux-RealismLora via endpoint ${fake.url('')}`,
    );
    expect(a.detail).not.toContain(TEST_TOKEN);
  });

  it('is unavailable without HF_TOKEN, and refuses to call', async () => {
    const noToken = hfKit(fake, { HF_TOKEN: '' });
    expect(await noToken.generator.availability(FLUX_DEV)).toEqual({ available: false, detail: 'HF_TOKEN missing' });
    await expect(noToken.generator.generate({ prompt: 'x', width: 256, height: 256, model: FLUX_DEV })).rejects.toMatchObject({
      transient: false,
      message: expect.stringMatching(/HF_TOKEN/),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses invalid catalogue capabilities permanently', async () => {
    const bad = { ...FLUX_DEV, capabilities: { steps: 'many' } };
    await expect(kit.generator.generate({ prompt: 'x', width: 256, height: 256, model: bad })).rejects.toMatchObject({
      transient: false,
    });
    expect((await kit.generator.availability(bad)).available).toBe(false);
  });
});

describe('textToImageArgs through the router (no HF_ENDPOINT_URL)', () => {
  const request = { prompt: 'p', width: 1024, height: 1024, seed: 1 };

  it('names the model and lets the router pick the provider', () => {
    expect(textToImageArgs({ ...request, model: FLUX_DEV }, undefined)).toEqual({
      inputs: 'p',
      model: 'black-forest-labs/FLUX.1-dev',
      provider: 'auto',
      parameters: { width: 1024, height: 1024, num_inference_steps: 28, guidance_scale: 3.5, seed: 1 },
    });
  });

  it('uses the LoRA repo as the model (the Hub maps it to base + adapter) and honours inferenceProvider', () => {
    const model = { ...FLUX_REALISM, capabilities: { ...FLUX_REALISM.capabilities, inferenceProvider: 'fal-ai' } };
    const args = textToImageArgs({ ...request, model }, undefined);
    expect(args).toMatchObject({ model: 'XLabs-AI/flux-RealismLora', provider: 'fal-ai' });
    expect(args.parameters).not.toHaveProperty('lora');
  });
});
