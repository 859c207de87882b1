export * from './ai-provider.types';
export * from './ai-providers.module';
export { AiProviderRegistry } from './registry/ai-provider.registry';
export { ProviderMap, ProviderMapError } from './registry/provider-map';
export { capabilityOf } from './registry/model-capability';
export * from './catalog-model';
