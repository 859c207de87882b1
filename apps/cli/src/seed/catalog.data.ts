import type { Prisma } from '@app/prisma';

type CatalogRow = Omit<Prisma.AiModelCreateInput, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * The AI model catalogue as production has it. `provider` is where the model really runs; deployments may
 * remap providers (e.g. everything to the embedded default in development) without touching these rows.
 */
export const CATALOG: CatalogRow[] = [
  // Background Remover quality tiers (any user may buy any tier with credits). Every default runs a self-hosted ONNX
  // model whose weights allow commercial use (see libs/ai-providers/src/models/model-registry.ts; install with
  // `npm run models -- pull <name>`). `AI_PROVIDER_MAP=onnx=huggingface` sends them to HF_BG_REMOVAL_ENDPOINT_URL.
  {
    appId: 'background-remover',
    modelKey: 'background-remover:basic',
    name: 'Basic',
    description: 'Fast cut-out for products and portraits on simple backgrounds (U²-Net, Apache-2.0)',
    provider: 'onnx',
    providerModel: 'u2net.onnx',
    capabilities: { profile: 'u2net', edgeRefinement: false },
    creditCost: 3,
    qualityTier: 'basic',
    maxResolution: 2048,
    sortOrder: 10,
  },
  {
    appId: 'background-remover',
    modelKey: 'background-remover:standard',
    name: 'Standard',
    description: 'Accurate cut-out for everyday photos (BiRefNet lite, MIT)',
    provider: 'onnx',
    providerModel: 'birefnet-general-lite.onnx',
    capabilities: { profile: 'birefnet', edgeRefinement: false },
    creditCost: 8,
    qualityTier: 'standard',
    maxResolution: 4096,
    sortOrder: 20,
  },
  {
    appId: 'background-remover',
    modelKey: 'background-remover:professional',
    name: 'Professional',
    description: 'High-resolution cut-out with edge refinement for hair and fine detail (BiRefNet, MIT)',
    provider: 'onnx',
    providerModel: 'birefnet-general.onnx',
    capabilities: { profile: 'birefnet', edgeRefinement: true },
    creditCost: 15,
    qualityTier: 'professional',
    maxResolution: 6144,
    sortOrder: 30,
  },
  {
    appId: 'background-remover',
    modelKey: 'background-remover:industry',
    name: 'Industry',
    description: 'Largest resolution, edge refinement and matting for print and e-commerce catalogues (BiRefNet, MIT)',
    provider: 'onnx',
    providerModel: 'birefnet-general.onnx',
    capabilities: { profile: 'birefnet', edgeRefinement: true, matting: true },
    creditCost: 25,
    qualityTier: 'industry',
    maxResolution: 8192,
    sortOrder: 40,
  },
  // Avatar Creator models (a user may use models whose tier ≤ theirs).
  {
    appId: 'avatar-creator',
    modelKey: 'avatar-creator:flux-dev-base',
    name: 'FLUX.1 dev',
    description: 'General-purpose portrait avatars',
    provider: 'huggingface',
    providerModel: 'black-forest-labs/FLUX.1-dev',
    capabilities: { width: 1024, height: 1024, steps: 28, guidanceScale: 3.5 },
    creditCost: 8,
    tier: 'free',
    sortOrder: 10,
  },
  {
    appId: 'avatar-creator',
    modelKey: 'avatar-creator:flux-dev-realism',
    name: 'FLUX.1 dev Realism',
    description: 'Photo-realistic avatars (FLUX.1 dev + realism LoRA)',
    provider: 'huggingface',
    providerModel: 'black-forest-labs/FLUX.1-dev',
    capabilities: { width: 1024, height: 1024, steps: 28, guidanceScale: 3.5, lora: 'XLabs-AI/flux-RealismLora', loraScale: 0.9 },
    creditCost: 12,
    tier: 'basic',
    sortOrder: 20,
  },
  {
    appId: 'avatar-creator',
    modelKey: 'avatar-creator:flux-dev-hd-realism',
    name: 'FLUX.1 dev HD Realism',
    description: 'High-definition photo-realistic avatars (more steps, larger output)',
    provider: 'huggingface',
    providerModel: 'black-forest-labs/FLUX.1-dev',
    capabilities: { width: 1536, height: 1536, steps: 40, guidanceScale: 3.5, lora: 'XLabs-AI/flux-RealismLora', loraScale: 1.0 },
    creditCost: 15,
    tier: 'pro',
    sortOrder: 30,
  },
  {
    appId: 'avatar-creator',
    modelKey: 'avatar-creator:flux-schnell-fast',
    name: 'FLUX.1 schnell',
    description: 'Fast drafts in 4 steps',
    provider: 'huggingface',
    providerModel: 'black-forest-labs/FLUX.1-schnell',
    capabilities: { width: 1024, height: 1024, steps: 4, guidanceScale: 0 },
    creditCost: 6,
    tier: 'basic',
    sortOrder: 40,
  },
];
