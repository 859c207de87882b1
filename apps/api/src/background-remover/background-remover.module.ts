import { Module } from '@nestjs/common';
import { BackgroundRemoverCoreModule, RemovalService, TestModeAllowance } from '@app/background-remover';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { UploadsModule } from '../common/uploads/uploads.module';
import { PricingSubscriptionController } from './pricing-subscription.controller';
import { PricingService } from './pricing.service';
import { RemovalCancelController } from './removal-cancel.controller';
import { RemovalEventsService } from './removal-events.service';
import { RemovalHistoryController } from './removal-history.controller';
import { RemovalQueryService } from './removal-query.service';
import { RemovalWaiterService } from './removal-waiter.service';
import { RemovalController } from './removal.controller';
import { RedisTestModeAllowance } from './test-mode-allowance';

@Module({
  imports: [BackgroundRemoverCoreModule, ImagesModule, StorageModule, IdempotencyModule, UploadsModule, RateLimitModule],
  controllers: [PricingSubscriptionController, RemovalController, RemovalHistoryController, RemovalCancelController],
  providers: [
    RemovalService,
    { provide: TestModeAllowance, useClass: RedisTestModeAllowance },
    PricingService,
    RemovalQueryService,
    RemovalWaiterService,
    RemovalEventsService,
  ],
})
export class BackgroundRemoverModule {}
