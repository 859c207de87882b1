import { Module } from '@nestjs/common';
import { CreditsModule } from '@app/credits';
import { RemovalCatalogService } from './catalog/removal-catalog.service';
import { RemovalRefundService } from './jobs/removal-refund.service';
import { SubscriptionQuotaService } from './subscriptions/subscription-quota.service';
import { SubscriptionService } from './subscriptions/subscription.service';

/** What both processes need of the Background Remover: its catalogue, subscriptions and quota, and refunds. */
@Module({
  imports: [CreditsModule],
  providers: [RemovalCatalogService, SubscriptionService, SubscriptionQuotaService, RemovalRefundService],
  exports: [CreditsModule, RemovalCatalogService, SubscriptionService, SubscriptionQuotaService, RemovalRefundService],
})
export class BackgroundRemoverCoreModule {}
