import { Module } from '@nestjs/common';
import { CreditsService } from './credits.service';
import { RemovalRefundService } from './removal-refund.service';
import { SubscriptionQuotaService } from './subscription-quota.service';

@Module({
  providers: [CreditsService, SubscriptionQuotaService, RemovalRefundService],
  exports: [CreditsService, SubscriptionQuotaService, RemovalRefundService],
})
export class CreditsModule {}
