import type { InferenceProviderOrPolicy, TextToImageArgs } from '@huggingface/inference';
import { PROVIDERS_OR_POLICIES } from '@huggingface/inference';
import { z } from 'zod';
import { CatalogModel, ImageGenerationRequest, ProviderError } from '../../ai-provider.types';

/** The capabilities an avatar catalogue row may carry for Hugging Face (unknown keys are ignored). */
const capabilitiesSchema = z.object({
  steps: z.number().int().min(1).max(200).optional(),
  guidanceScale: z.number().min(0).max(50).optional(),
  /** A LoRA repo on the Hub, e.g. "XLabs-AI/flux-RealismLora". */
  lora: z.string().regex(/^[\w.-]+\/[\w.-]+$/).optional(),
  loraScale: z.number().min(0).max(4).optional(),
  /** Router only: which inference provider serves the model ("auto" = the account's preference order). */
  inferenceProvider: z.enum(PROVIDERS_OR_POLICIES).optional(),
});

export type HfImageCapabilities = z.infer<typeof capabilitiesSchema>;

export function hfImageCapabilities(model: CatalogModel): HfImageCapabilities {
  const parsed = capabilitiesSchema.safeParse(model.capabilities);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ProviderError(`Catalogue capabilities of ${model.modelKey} are invalid: ${problems}`, false);
  }
  return parsed.data;
}

/**
 * textToImage arguments: request values win over the catalogue's defaults (steps, guidance).
 *
 * LoRA, two ways, because Hugging Face has no LoRA field in the text-to-image parameters:
 * - Router (no HF_ENDPOINT_URL): the LoRA repo IS the model. The Hub maps a LoRA repo to its base model plus
 *   adapter weights (provider mapping `adapter: "lora"`), and the library's provider helper (fal-ai, replicate,
 *   wavespeed) attaches the weights. The scale is fixed by the library (1.0): `loraScale` cannot be passed there.
 * - Dedicated endpoint (HF_ENDPOINT_URL): the endpoint serves the base model; we send `parameters.lora` (repo id)
 *   and `parameters.lora_scale` for its handler to load (diffusers `load_lora_weights` + adapter scale).
 */
export function textToImageArgs(request: ImageGenerationRequest, endpointUrl: string | undefined): TextToImageArgs {
  const caps = hfImageCapabilities(request.model);
  const parameters: Record<string, unknown> = {
    width: request.width,
    height: request.height,
    num_inference_steps: request.steps ?? caps.steps,
    guidance_scale: request.guidanceScale ?? caps.guidanceScale,
    seed: request.seed,
    negative_prompt: request.negativePrompt?.trim() || undefined,
  };
  if (endpointUrl) {
    if (caps.lora) {
      parameters.lora = caps.lora;
      parameters.lora_scale = caps.loraScale ?? 1;
    }
    return { inputs: request.prompt, parameters: withoutUndefined(parameters), endpointUrl };
  }
  const provider: InferenceProviderOrPolicy = caps.inferenceProvider ?? 'auto';
  return {
    inputs: request.prompt,
    parameters: withoutUndefined(parameters),
    model: caps.lora ?? request.model.providerModel,
    provider,
  };
}

function withoutUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
