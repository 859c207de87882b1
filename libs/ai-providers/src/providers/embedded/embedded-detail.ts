import type { CatalogModel } from '../../ai-provider.types';

/** Health wording: make it impossible to mistake the embedded default for the catalogued model. */
export function embeddedDetail(model: CatalogModel, what: string): string {
  return model.provider === 'embedded' ? `embedded ${what}` : `embedded default (not the real model): ${what}`;
}
