import { Module } from '@nestjs/common';
import { AiProvidersModule } from '@app/ai-providers';
import { CreditsModule } from '@app/credits';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { BatchWebhookHandler } from './batch-webhook.handler';
import { FinalizeBatchHandler } from './finalize-batch.handler';
import { RemoveBackgroundHandler } from './remove-background.handler';
import { BatchFinalizeReconcileSource, RemovalJobReconcileSource } from './removal-reconcile.sources';
import { RemovalRetentionSweeper } from './removal-retention.sweeper';
import { RemovalSettlementService } from './removal-settlement.service';

@Module({
  imports: [AiProvidersModule, CreditsModule, ImagesModule, StorageModule],
  providers: [
    RemoveBackgroundHandler,
    FinalizeBatchHandler,
    BatchWebhookHandler,
    RemovalSettlementService,
    RemovalJobReconcileSource,
    BatchFinalizeReconcileSource,
    RemovalRetentionSweeper,
  ],
  exports: [RemovalJobReconcileSource, BatchFinalizeReconcileSource, RemovalRetentionSweeper],
})
export class BackgroundRemoverWorkerModule {}
