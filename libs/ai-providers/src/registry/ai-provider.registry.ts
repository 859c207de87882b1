import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LumikuMetrics } from '@app/metrics';
import {
  AvailabilityCheck,
  BackgroundRemovalRequest,
  BackgroundRemover,
  CatalogModel,
  ImageGenerationRequest,
  ImageGenerator,
  ModelAvailability,
  ModelCapability,
  ProviderError,
} from '../ai-provider.types';
import { EmbeddedAvatarGenerator } from '../providers/embedded/avatar/embedded-avatar-generator';
import { EmbeddedBackgroundRemover } from '../providers/embedded/background/embedded-background-remover';
import { HuggingFaceBackgroundRemover } from '../providers/huggingface/hf-background-remover';
import { HuggingFaceImageGenerator } from '../providers/huggingface/hf-image-generator';
import { OnnxBackgroundRemover } from '../providers/onnx/onnx-background-remover';
import { measureProviderCall, withMeasuredMethod } from './measured-provider';
import { capabilityOf } from './model-capability';
import { ProviderMap } from './provider-map';

type Remover = BackgroundRemover & AvailabilityCheck;
type Generator = ImageGenerator & AvailabilityCheck;

/** What each provider can do; a missing entry means "cannot". */
interface ProviderCapabilities {
  'background-removal'?: Remover;
  'image-generation'?: Generator;
}

/**
 * Resolves a catalogue row to the provider instance that serves it here: the row names a provider, the
 * deployment map (AI_PROVIDER_MAP) may redirect it (e.g. everything to the embedded default in development).
 */
@Injectable()
export class AiProviderRegistry {
  private readonly map: ProviderMap;
  private readonly providers: ReadonlyMap<string, ProviderCapabilities>;

  constructor(
    config: AppConfig,
    hfRemover: HuggingFaceBackgroundRemover,
    hfGenerator: HuggingFaceImageGenerator,
    private readonly onnxRemover: OnnxBackgroundRemover,
    embeddedRemover: EmbeddedBackgroundRemover,
    embeddedGenerator: EmbeddedAvatarGenerator,
    @Optional() private readonly metrics?: LumikuMetrics,
  ) {
    this.map = ProviderMap.parse(config.AI_PROVIDER_MAP, config.NODE_ENV);
    this.providers = new Map<string, ProviderCapabilities>([
      ['huggingface', { 'background-removal': hfRemover, 'image-generation': hfGenerator }],
      ['onnx', { 'background-removal': onnxRemover }],
      ['embedded', { 'background-removal': embeddedRemover, 'image-generation': embeddedGenerator }],
    ]);
  }

  /** The mapping in force, e.g. "*=embedded, installed ONNX models on onnx (non-production default)". */
  get mappingSource(): string {
    return this.map.source;
  }

  /** The provider id that runs this model after the deployment mapping. */
  providerIdFor(model: CatalogModel): string {
    if (this.map.preferInstalledModels && model.provider === 'onnx' && this.onnxRemover.hasModelFile(model)) return 'onnx';
    return this.map.resolve(model.provider);
  }

  /** The remover that serves this model here; its calls are measured (provider latency and errors). */
  backgroundRemover(model: CatalogModel): { providerId: string; remover: BackgroundRemover } {
    const { providerId, instance } = this.lookup(model, 'background-removal');
    const labels = { provider: providerId, model: model.modelKey };
    const remover = withMeasuredMethod(instance, 'removeBackground', (request: BackgroundRemovalRequest) =>
      measureProviderCall(this.metrics, labels, () => instance.removeBackground(request)),
    );
    return { providerId, remover };
  }

  /** The generator that serves this model here; its calls are measured (provider latency and errors). */
  imageGenerator(model: CatalogModel): { providerId: string; generator: ImageGenerator } {
    const { providerId, instance } = this.lookup(model, 'image-generation');
    const labels = { provider: providerId, model: model.modelKey };
    const generator = withMeasuredMethod(instance, 'generate', (request: ImageGenerationRequest) =>
      measureProviderCall(this.metrics, labels, () => instance.generate(request)),
    );
    return { providerId, generator };
  }

  /** Whether the model can be served here and by whom. Never calls the provider over the network. */
  async availability(model: CatalogModel): Promise<ModelAvailability> {
    const providerId = this.providerIdFor(model);
    const substitute = providerId !== model.provider;
    const base = { providerId, catalogProvider: model.provider, substitute };
    const capability = capabilityOf(model);
    if (!capability) {
      return { ...base, available: false, detail: `unknown app "${model.appId}": no capability to check` };
    }
    const instance = this.providers.get(providerId)?.[capability];
    if (!instance) return { ...base, available: false, detail: cannot(providerId, capability) };
    const own = await instance.availability(model);
    const detail = substitute
      ? `${own.detail}; stands in for ${model.provider} "${model.providerModel}" (${this.map.source})`
      : own.detail;
    return { ...base, available: own.available, detail, ...(own.remedy ? { remedy: own.remedy } : {}) };
  }

  /**
   * Resolves when the model-file checksums that availability() started in the background are known. `doctor` waits
   * for them and asks again; readiness probes never wait.
   */
  modelFileChecks(): Promise<void> {
    return this.onnxRemover.modelFileChecks();
  }

  private lookup<C extends ModelCapability>(
    model: CatalogModel,
    capability: C,
  ): { providerId: string; instance: NonNullable<ProviderCapabilities[C]> } {
    const providerId = this.providerIdFor(model);
    const instance = this.providers.get(providerId)?.[capability];
    if (!instance) {
      throw new ProviderError(`${model.modelKey}: ${cannot(providerId, capability)}`, false);
    }
    return { providerId, instance };
  }
}

function cannot(providerId: string, capability: ModelCapability): string {
  return `provider "${providerId}" ${capability === 'background-removal' ? 'cannot remove backgrounds' : 'cannot generate images'}`;
}
