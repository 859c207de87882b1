import { z } from 'zod';
import { CatalogModel, ProviderError } from '../../ai-provider.types';

/** How a background-removal model wants its input and what its output means. */
export interface OnnxProfile {
  name: string;
  inputWidth: number;
  inputHeight: number;
  /** Per channel, applied to pixel/255 in the model's channel order: (x − mean) / std. */
  mean: [number, number, number];
  std: [number, number, number];
  channelOrder: 'rgb' | 'bgr';
  /** Which of the session's outputs is the mask (U²-Net has 7 side outputs; d0, the first, is the fused one). */
  outputIndex: number;
  /** 'minmax': raw saliency rescaled to 0..1 per image (IS-Net, U²-Net, RMBG-1.4); 'sigmoid': logits (BiRefNet). */
  postprocess: 'minmax' | 'sigmoid';
}

const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];
const HALF: [number, number, number] = [0.5, 0.5, 0.5];
const ONE: [number, number, number] = [1, 1, 1];

/**
 * Reference preprocessing of each family (as in the models' own inference code / rembg). Licences differ:
 * U²-Net and IS-Net are Apache-2.0, BiRefNet MIT; RMBG-1.4/2.0 weights are non-commercial (BRIA agreement).
 */
export const ONNX_PROFILES: Record<string, OnnxProfile> = {
  isnet: profile('isnet', 1024, HALF, ONE, 'minmax'),
  u2net: profile('u2net', 320, IMAGENET_MEAN, IMAGENET_STD, 'minmax'),
  rmbg: profile('rmbg', 1024, HALF, ONE, 'minmax'),
  rmbg2: profile('rmbg2', 1024, IMAGENET_MEAN, IMAGENET_STD, 'sigmoid'),
  birefnet: profile('birefnet', 1024, IMAGENET_MEAN, IMAGENET_STD, 'sigmoid'),
};

function profile(
  name: string,
  size: number,
  mean: [number, number, number],
  std: [number, number, number],
  postprocess: OnnxProfile['postprocess'],
): OnnxProfile {
  return { name, inputWidth: size, inputHeight: size, mean, std, channelOrder: 'rgb', outputIndex: 0, postprocess };
}

const triple = z.tuple([z.number(), z.number(), z.number()]);

/** Catalogue capabilities for an ONNX row: a profile name and optional per-model overrides of its fields. */
const capabilitiesSchema = z.object({
  profile: z.string().optional(),
  inputSize: z.number().int().min(16).max(4096).optional(),
  mean: triple.optional(),
  std: triple.refine((s) => s.every((v) => v > 0), 'std must be positive').optional(),
  channelOrder: z.enum(['rgb', 'bgr']).optional(),
  outputIndex: z.number().int().min(0).optional(),
  postprocess: z.enum(['minmax', 'sigmoid']).optional(),
});

/**
 * The profile for a catalogue row: `capabilities.profile`, else guessed from the model file name
 * ("isnet-general-use.onnx" → isnet), then any overrides from the capabilities. Permanent error when unknown.
 */
export function resolveOnnxProfile(model: CatalogModel): OnnxProfile {
  const parsed = capabilitiesSchema.safeParse(model.capabilities);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ProviderError(`Catalogue capabilities of ${model.modelKey} are invalid: ${problems}`, false);
  }
  const caps = parsed.data;
  const name = caps.profile ?? guessProfile(model.providerModel);
  const base = name ? ONNX_PROFILES[name] : undefined;
  if (!base) {
    throw new ProviderError(
      `No ONNX preprocessing profile for ${model.modelKey} (${caps.profile ?? model.providerModel}); ` +
        `set capabilities.profile to one of ${Object.keys(ONNX_PROFILES).join(', ')}`,
      false,
    );
  }
  return {
    ...base,
    inputWidth: caps.inputSize ?? base.inputWidth,
    inputHeight: caps.inputSize ?? base.inputHeight,
    mean: caps.mean ?? base.mean,
    std: caps.std ?? base.std,
    channelOrder: caps.channelOrder ?? base.channelOrder,
    outputIndex: caps.outputIndex ?? base.outputIndex,
    postprocess: caps.postprocess ?? base.postprocess,
  };
}

function guessProfile(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  if (lower.includes('isnet')) return 'isnet';
  if (lower.includes('u2net')) return 'u2net';
  if (lower.includes('birefnet')) return 'birefnet';
  if (/rmbg[-_]?2/.test(lower)) return 'rmbg2';
  if (lower.includes('rmbg')) return 'rmbg';
  return undefined;
}
