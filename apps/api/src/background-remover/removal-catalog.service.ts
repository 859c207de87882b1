import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AiModel, PrismaService, QualityTier } from '@app/prisma';

export const APP_ID = 'background-remover';

/** Quality tiers come from the seeded AI model catalogue, never from code. */
@Injectable()
export class RemovalCatalogService {
  constructor(private readonly prisma: PrismaService) {}

  async listTiers(): Promise<AiModel[]> {
    const models = await this.prisma.aiModel.findMany({
      where: { appId: APP_ID, enabled: true, qualityTier: { not: null } },
      orderBy: [{ sortOrder: 'asc' }, { creditCost: 'asc' }],
    });
    if (models.length === 0) throw catalogEmpty();
    return models;
  }

  async modelForTier(tier: QualityTier): Promise<AiModel> {
    const model = await this.prisma.aiModel.findFirst({ where: { appId: APP_ID, enabled: true, qualityTier: tier } });
    if (model) return model;
    const any = await this.prisma.aiModel.count({ where: { appId: APP_ID, enabled: true } });
    if (any === 0) throw catalogEmpty();
    throw new DomainError('VALIDATION_FAILED', `The ${tier} tier is not available`, {
      fields: [{ field: 'tier', errors: [`tier ${tier} is not offered`] }],
    });
  }
}

function catalogEmpty(): DomainError {
  return new DomainError('CATALOG_EMPTY', 'No background-removal models are configured; the operator must run `npm run db:seed`');
}
