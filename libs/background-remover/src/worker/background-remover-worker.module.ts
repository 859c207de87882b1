import { Module } from '@nestjs/common';
import { AiProvidersModule } from '@app/ai-providers';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { BatchWebhookHandler } from './batch-webhook.handler';
import { FinalizeBatchHandler } from './finalize-batch.handler';
import { JobWebhookHandler } from './job-webhook.handler';
import { RemoveBackgroundHandler } from './remove-background.handler';
import { BatchFinalizeReconcileSource, RemovalJobReconcileSource } from './removal-reconcile.sources';
import { RemovalRetentionSweeper } from './removal-retention.sweeper';
import { BackgroundRemoverCoreModule } from '../background-remover-core.module';
import { WebhookSender } from '../webhooks/webhook-sender.service';

/** The Background Remover's job handlers, reconcile sources and retention sweeper, registered by the worker. */
@Module({
  imports: [AiProvidersModule, BackgroundRemoverCoreModule, ImagesModule, StorageModule],
  providers: [
    RemoveBackgroundHandler,
    FinalizeBatchHandler,
    BatchWebhookHandler,
    JobWebhookHandler,
    WebhookSender,
    RemovalJobReconcileSource,
    BatchFinalizeReconcileSource,
    RemovalRetentionSweeper,
  ],
  exports: [RemovalJobReconcileSource, BatchFinalizeReconcileSource, RemovalRetentionSweeper],
})
export class BackgroundRemoverWorkerModule {}
