import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@app/common';
import { AiModel, PrismaService, UserTier } from '@app/prisma';
import { AVATAR_APP_ID, tierAllows } from './avatar-creator.constants';

/** The avatar-creator model catalogue as one user sees it: enabled rows their tier allows. */
@Injectable()
export class AvatarCatalogService {
  constructor(private readonly prisma: PrismaService) {}

  /** Models the tier may use, in catalogue order. 503 CATALOG_EMPTY when no avatar model is enabled at all. */
  async listAllowed(tier: UserTier): Promise<AiModel[]> {
    const models = await this.prisma.aiModel.findMany({
      where: { appId: AVATAR_APP_ID, enabled: true },
      orderBy: [{ sortOrder: 'asc' }, { creditCost: 'asc' }, { modelKey: 'asc' }],
    });
    if (models.length === 0) {
      throw new DomainError('CATALOG_EMPTY', 'No avatar models are available; the model catalogue is not seeded', {
        appId: AVATAR_APP_ID,
      });
    }
    return models.filter((m) => tierAllows(tier, m.tier));
  }

  /**
   * The model a generation runs on: the requested one if the tier allows it (404 if unknown or disabled,
   * 403 MODEL_TIER_FORBIDDEN if not allowed), else the cheapest allowed one.
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
      return model;
    }
    const allowed = await this.listAllowed(tier);
    const cheapest = [...allowed].sort((a, b) => a.creditCost - b.creditCost || a.sortOrder - b.sortOrder)[0];
    if (!cheapest) {
      throw new DomainError('MODEL_TIER_FORBIDDEN', `No avatar model is available for the ${tier} tier`, { userTier: tier });
    }
    return cheapest;
  }
}
