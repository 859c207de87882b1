import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobName, JobPayloads } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { WebhookSender } from '../webhooks/webhook-sender.service';

/** Signed batch-completion webhook (signature and retries: WebhookSender). */
@Injectable()
export class BatchWebhookHandler {
  private readonly logger = new Logger(BatchWebhookHandler.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly sender: WebhookSender,
  ) {}

  @JobHandler(JobName.DeliverBatchWebhook)
  async handle(payload: JobPayloads['deliver-batch-webhook']): Promise<string> {
    const batch = await this.prisma.backgroundRemovalBatch.findUnique({ where: { id: payload.batchId } });
    if (!batch?.webhookUrl) return 'no webhook';
    const status = await this.sender.send(batch.webhookUrl, `batch-${batch.id}`, {
      event: 'background-remover.batch.finished',
      batch: {
        id: batch.id,
        status: batch.status,
        totalItems: batch.totalItems,
        succeededItems: batch.succeededItems,
        failedItems: batch.failedItems,
        canceledItems: batch.canceledItems,
        creditCharged: batch.creditCharged,
        creditRefunded: batch.creditRefunded,
        zipUrl: batch.zipUrl,
        completedAt: batch.completedAt,
      },
    });
    this.logger.log({ batchId: batch.id, status }, 'batch webhook delivered');
    return 'delivered';
  }
}
