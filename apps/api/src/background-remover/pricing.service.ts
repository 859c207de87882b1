import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { paymentSources, quotePrice, RemovalCatalogService, resolveOutputSize, unitPriceFor, SUBSCRIPTION_PLANS, SubscriptionQuotaService, SubscriptionService, VOLUME_DISCOUNTS } from '@app/background-remover';
import { AiModel, QualityTier } from '@app/prisma';
import { JsonSnapshot, SnapshotCache } from '../common/http-cache/json-snapshot';
import { CalculatePriceDto, PriceQuoteDto, PricingDto } from './dto/pricing.dto';

@Injectable()
export class PricingService {
  constructor(
    private readonly catalog: RemovalCatalogService,
    private readonly subscriptions: SubscriptionService,
    private readonly quota: SubscriptionQuotaService,
    private readonly config: AppConfig,
  ) {}

  /** The catalogue as served: serialised again only when the catalogue cache refreshes (every few seconds). */
  private readonly snapshots = new SnapshotCache<AiModel[]>(toPricing);

  /** GET /pricing's body (a PricingDto) and its ETag; synchronous while the catalogue cache is fresh. */
  pricingSnapshot(): JsonSnapshot | Promise<JsonSnapshot> {
    const fresh = this.catalog.freshTiers();
    return fresh ? this.snapshots.of(fresh) : this.catalog.listTiers().then((models) => this.snapshots.of(models));
  }

  /** The same maths and payment rule `POST /remove` and `/batch` charge with (libs/background-remover: unitPriceFor, quotePrice, paymentSources). */
  async calculate(userId: string, dto: CalculatePriceDto): Promise<PriceQuoteDto> {
    const model = await this.catalog.modelForTier(dto.tier as QualityTier);
    const size = resolveOutputSize(dto.size ?? 'full', dto.width ?? 0, dto.height ?? 0);
    const quote = quotePrice(unitPriceFor(model, size), dto.imageCount);
    const sub = await this.subscriptions.active(userId);
    let remaining: number | null = null;
    if (sub && paymentSources({ testMode: false, tier: dto.tier as QualityTier }, sub).includes('SUBSCRIPTION_QUOTA')) {
      remaining = Math.max(sub.dailyQuota - (await this.quota.usedToday(sub.id)), 0);
    }
    return {
      tier: dto.tier,
      size,
      ...quote,
      coveredBySubscription: remaining !== null && remaining >= dto.imageCount,
      subscriptionRemainingToday: remaining,
      maxImagesPerBatch: this.config.UPLOAD_MAX_FILES,
    };
  }
}

function toPricing(models: AiModel[]): PricingDto {
  return {
    tiers: models.map((m) => ({
      tier: m.qualityTier!,
      name: m.name,
      description: m.description,
      credits: unitPriceFor(m, 'full'),
      previewCredits: unitPriceFor(m, 'preview'),
      model: m.providerModel,
      maxResolution: m.maxResolution,
      edgeRefinement: (m.capabilities as { edgeRefinement?: boolean }).edgeRefinement === true,
    })),
    volumeDiscounts: VOLUME_DISCOUNTS.map((b) => ({ ...b })),
    subscriptionPlans: SUBSCRIPTION_PLANS.map((p) => ({ ...p, coveredTiers: [...p.coveredTiers] })),
  };
}
