import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AiModel, PrismaService, QualityTier } from '@app/prisma';

export const APP_ID = 'background-remover';

/** The catalogue changes on deploys (seed) or by an operator: a few seconds of staleness is fine for reads. */
const CACHE_TTL_MS = 5_000;

/** Quality tiers come from the seeded AI model catalogue, never from code. */
@Injectable()
export class RemovalCatalogService {
  private cache: { models: AiModel[]; until: number } | null = null;
  /** The refresh in flight: requests arriving while the cache is stale share one query instead of each sending one. */
  private loading: Promise<AiModel[]> | null = null;
  private readonly byKey = new Map<string, { model: AiModel | null; until: number }>();

  constructor(private readonly prisma: PrismaService) {}

  async listTiers(): Promise<AiModel[]> {
    return this.freshTiers() ?? (this.loading ??= this.loadTiers().finally(() => (this.loading = null)));
  }

  /** The cached tiers while they are fresh, without a promise (hot public reads answer synchronously), else undefined. */
  freshTiers(): AiModel[] | undefined {
    return this.cache && this.cache.until > Date.now() ? this.cache.models : undefined;
  }

  private async loadTiers(): Promise<AiModel[]> {
    const models = await this.prisma.aiModel.findMany({
      where: { appId: APP_ID, enabled: true, qualityTier: { not: null } },
      orderBy: [{ sortOrder: 'asc' }, { creditCost: 'asc' }],
    });
    if (models.length === 0) {
      this.cache = null;
      throw catalogEmpty();
    }
    this.cache = { models, until: Date.now() + CACHE_TTL_MS };
    return models;
  }

  /** A row by key, enabled or not (a job runs on the model it was charged for), cached like the tiers: the worker reads it per job. */
  async modelByKey(modelKey: string): Promise<AiModel | null> {
    const hit = this.byKey.get(modelKey);
    if (hit && hit.until > Date.now()) return hit.model;
    const model = await this.prisma.aiModel.findUnique({ where: { modelKey } });
    this.byKey.set(modelKey, { model, until: Date.now() + CACHE_TTL_MS });
    return model;
  }

  async modelForTier(tier: QualityTier): Promise<AiModel> {
    const model = (await this.listTiers()).find((m) => m.qualityTier === tier);
    if (model) return model;
    throw new DomainError('VALIDATION_FAILED', `The ${tier} tier is not available`, {
      fields: [{ field: 'tier', errors: [`tier ${tier} is not offered`] }],
    });
  }
}

function catalogEmpty(): DomainError {
  return new DomainError('CATALOG_EMPTY', 'No background-removal models are configured; the operator must run `npm run db:seed`');
}
