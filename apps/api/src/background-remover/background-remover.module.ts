import { Module } from '@nestjs/common';
import { CreditsModule } from '@app/credits';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { UploadsModule } from '../common/uploads/uploads.module';
import { PricingSubscriptionController } from './pricing-subscription.controller';
import { PricingService } from './pricing.service';
import { RemovalCatalogService } from './removal-catalog.service';
import { RemovalHistoryController } from './removal-history.controller';
import { RemovalQueryService } from './removal-query.service';
import { RemovalWaiterService } from './removal-waiter.service';
import { RemovalController } from './removal.controller';
import { RemovalService } from './removal.service';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [CreditsModule, ImagesModule, StorageModule, IdempotencyModule, UploadsModule, RateLimitModule],
  controllers: [PricingSubscriptionController, RemovalController, RemovalHistoryController],
  providers: [RemovalCatalogService, PricingService, SubscriptionService, RemovalService, RemovalQueryService, RemovalWaiterService],
})
export class BackgroundRemoverModule {}
