import { Injectable } from '@nestjs/common';
import { AiProviderRegistry, ModelAvailability, toCatalogModel } from '@app/ai-providers';
import { DomainError, NotFoundError } from '@app/common';
import { AiModel, PrismaService, UserTier } from '@app/prisma';
import { AVATAR_APP_ID, tierAllows } from '../avatar-creator.constants';

/** A catalogue row with who serves it in this deployment (after AI_PROVIDER_MAP). */
export interface CatalogEntry {
  model: AiModel;
  serving: ModelAvailability;
}

/**
 * The avatar-creator model catalogue as one user sees it: enabled rows their account tier allows, and whether this
 * deployment can serve each (asked of the provider registry; no network call). Models that cannot run here are
 * refused before anything is charged.
 */
@Injectable()
export class AvatarCatalogService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly providers: AiProviderRegistry,
  ) {}

  /** Models the tier may use, in catalogue order. 503 CATALOG_EMPTY when no avatar model is enabled at all. */
  async listAllowed(tier: UserTier): Promise<CatalogEntry[]> {
    const models = await this.prisma.aiModel.findMany({
      where: { appId: AVATAR_APP_ID, enabled: true },
      orderBy: [{ sortOrder: 'asc' }, { creditCost: 'asc' }, { modelKey: 'asc' }],
    });
    if (models.length === 0) {
      throw new DomainError('CATALOG_EMPTY', 'No avatar models are available; the model catalogue is not seeded', {
        appId: AVATAR_APP_ID,
      });
    }
    const allowed = models.filter((m) => tierAllows(tier, m.tier));
    return Promise.all(allowed.map(async (model) => ({ model, serving: await this.providers.availability(toCatalogModel(model)) })));
  }

  /**
   * The model a generation runs on: the requested one if the tier allows it (404 if unknown or disabled,
   * 403 MODEL_TIER_FORBIDDEN if not allowed), else the cheapest allowed one. 503 PROVIDER_UNAVAILABLE when
   * this deployment cannot serve it (e.g. no HF_TOKEN): better refused than charged and refunded.
   */
  async pickForGeneration(tier: UserTier, modelKey: string | undefined): Promise<AiModel> {
    if (modelKey) {
      const model = await this.prisma.aiModel.findFirst({ where: { modelKey, appId: AVATAR_APP_ID, enabled: true } });
      if (!model) throw new NotFoundError(`Avatar model "${modelKey}"`);
      if (!tierAllows(tier, model.tier)) {
        throw new DomainError('MODEL_TIER_FORBIDDEN', `The model "${modelKey}" needs the ${model.tier} tier or above`, {
          modelKey,
          requiredTier: model.tier,
          userTier: tier,
        });
      }
      const serving = await this.providers.availability(toCatalogModel(model));
      if (!serving.available) throw unavailable(model.modelKey);
      return model;
    }
    const allowed = await this.listAllowed(tier);
    if (allowed.length === 0) {
      throw new DomainError('MODEL_TIER_FORBIDDEN', `No avatar model is available for the ${tier} tier`, { userTier: tier });
    }
    const cheapest = allowed
      .filter((e) => e.serving.available)
      .sort((a, b) => a.model.creditCost - b.model.creditCost || a.model.sortOrder - b.model.sortOrder)[0];
    if (!cheapest) throw unavailable(null);
    return cheapest.model;
  }
}

function unavailable(modelKey: string | null): DomainError {
  const what = modelKey ? `The model "${modelKey}" is not` : 'None of the avatar models you may use is';
  return new DomainError('PROVIDER_UNAVAILABLE', `${what} available on this server right now; nothing was charged`, {
    ...(modelKey ? { modelKey } : {}),
  });
}
