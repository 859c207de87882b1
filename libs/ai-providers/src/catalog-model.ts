import type { AiModel } from '@app/prisma';
import type { CatalogModel } from './ai-provider.types';

/** The provider-facing view of an ai_models row. */
export function toCatalogModel(model: Pick<AiModel, 'modelKey' | 'appId' | 'provider' | 'providerModel' | 'capabilities' | 'maxResolution'>): CatalogModel {
  return {
    modelKey: model.modelKey,
    appId: model.appId,
    provider: model.provider,
    providerModel: model.providerModel,
    capabilities: (model.capabilities ?? {}) as Record<string, unknown>,
    maxResolution: model.maxResolution,
  };
}
