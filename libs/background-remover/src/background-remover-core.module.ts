import { Module } from '@nestjs/common';
import { CreditsModule } from '@app/credits';
import { RemovalCatalogService } from './catalog/removal-catalog.service';
import { RemovalCancellationService } from './jobs/removal-cancellation.service';
import { RemovalRefundService } from './jobs/removal-refund.service';
import { RemovalSettlementService } from './jobs/removal-settlement.service';
import { SubscriptionQuotaService } from './subscriptions/subscription-quota.service';
import { SubscriptionService } from './subscriptions/subscription.service';

const SHARED = [
  RemovalCatalogService,
  SubscriptionService,
  SubscriptionQuotaService,
  RemovalRefundService,
  RemovalSettlementService,
  RemovalCancellationService,
];

/**
 * What both processes need of the Background Remover: its catalogue, subscriptions and quota, and the job store
 * (settlement by the worker, cancellation by the API, refunds by both).
 */
@Module({
  imports: [CreditsModule],
  providers: SHARED,
  exports: [CreditsModule, ...SHARED],
})
export class BackgroundRemoverCoreModule {}
