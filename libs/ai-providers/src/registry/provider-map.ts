import { isProviderId, PROVIDER_IDS, ProviderId } from '../ai-provider.types';

/**
 * The deployment-level mapping of catalogue providers (AI_PROVIDER_MAP), e.g. "huggingface=embedded,onnx=embedded"
 * or "*=embedded". An exact entry beats "*"; a provider with no entry runs as catalogued. Unset: everything on the
 * embedded default outside production (a fresh machine has no key or model file) — except ONNX rows whose model file
 * `npm run models -- pull` installed —, as catalogued in production.
 */
export class ProviderMap {
  private constructor(
    private readonly entries: ReadonlyMap<string, ProviderId>,
    /** Where the mapping came from, for health output. */
    readonly source: string,
    /** Non-production default: an ONNX row whose model file is installed runs on ONNX, the rest on embedded. */
    readonly preferInstalledModels = false,
  ) {}

  static parse(raw: string | undefined, nodeEnv: string): ProviderMap {
    if (raw === undefined || raw.trim() === '') {
      return nodeEnv === 'production'
        ? new ProviderMap(new Map(), 'as catalogued (production default)')
        : new ProviderMap(new Map([['*', 'embedded']]), '*=embedded, installed ONNX models on onnx (non-production default)', true);
    }
    const entries = new Map<string, ProviderId>();
    for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
      const match = /^([a-z0-9*_-]+)\s*=\s*([a-z0-9_-]+)$/i.exec(part);
      if (!match) throw new ProviderMapError(`"${part}" is not of the form provider=provider`);
      const from = match[1]!.toLowerCase();
      const to = match[2]!.toLowerCase();
      if (from !== '*' && !isProviderId(from)) throw new ProviderMapError(`unknown provider "${from}" in "${part}"`);
      if (!isProviderId(to)) throw new ProviderMapError(`unknown provider "${to}" in "${part}"`);
      if (entries.has(from)) throw new ProviderMapError(`"${from}" is mapped twice`);
      entries.set(from, to);
    }
    return new ProviderMap(entries, raw.trim());
  }

  /** The provider that runs a model the catalogue assigns to `catalogProvider`. */
  resolve(catalogProvider: string): string {
    return this.entries.get(catalogProvider) ?? this.entries.get('*') ?? catalogProvider;
  }
}

export class ProviderMapError extends Error {
  constructor(problem: string) {
    super(`Invalid AI_PROVIDER_MAP: ${problem} (providers: ${PROVIDER_IDS.join(', ')}; "*" matches any)`);
    this.name = 'ProviderMapError';
  }
}
