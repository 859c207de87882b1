import type { CatalogModel, ModelCapability } from '../ai-provider.types';

/** Which capability each app's models need. A catalogue row's app decides what its provider must do. */
const CAPABILITY_BY_APP: Record<string, ModelCapability> = {
  'background-remover': 'background-removal',
  'avatar-creator': 'image-generation',
};

export function capabilityOf(model: CatalogModel): ModelCapability | undefined {
  return CAPABILITY_BY_APP[model.appId];
}
