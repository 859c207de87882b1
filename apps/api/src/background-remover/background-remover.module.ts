import { Module } from '@nestjs/common';
import { BackgroundRemoverCoreModule, RemovalService, TestModeAllowance } from '@app/background-remover';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { UploadsModule } from '../common/uploads/uploads.module';
import { PricingSubscriptionController } from './pricing-subscription.controller';
import { BatchEventsService } from './batch-events.service';
import { PricingService } from './pricing.service';
import { RemovalHistoryController } from './removal-history.controller';
import { RemovalQueryService } from './removal-query.service';
import { RemovalWaiterService } from './removal-waiter.service';
import { RemovalController } from './removal.controller';
import { RedisTestModeAllowance } from './test-mode-allowance';

@Module({
  imports: [BackgroundRemoverCoreModule, ImagesModule, StorageModule, IdempotencyModule, UploadsModule, RateLimitModule],
  controllers: [PricingSubscriptionController, RemovalController, RemovalHistoryController],
  providers: [
    RemovalService,
    { provide: TestModeAllowance, useClass: RedisTestModeAllowance },
    PricingService,
    RemovalQueryService,
    RemovalWaiterService,
    BatchEventsService,
  ],
})
export class BackgroundRemoverModule {}
