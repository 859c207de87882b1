import { createHmac } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { fetchPinned, resolvePublicTarget } from '@app/common';
import { AppConfig } from '@app/config';
import { JobHandler, JobName, JobPayloads } from '@app/jobs';
import { PrismaService } from '@app/prisma';

/**
 * Signed batch-completion webhook. Signature: `Lumiku-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<webhook id>.<t>.<raw body>" with WEBHOOK_SIGNING_SECRET>`. Non-2xx or network errors throw, so BullMQ retries
 * with exponential backoff (8 attempts).
 */
@Injectable()
export class BatchWebhookHandler {
  private readonly logger = new Logger(BatchWebhookHandler.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.DeliverBatchWebhook)
  async handle(payload: JobPayloads['deliver-batch-webhook']): Promise<string> {
    const batch = await this.prisma.backgroundRemovalBatch.findUnique({ where: { id: payload.batchId } });
    if (!batch?.webhookUrl) return 'no webhook';
    // Re-checked at delivery (the name may resolve elsewhere now), and the request connects only to the
    // addresses checked here, so a DNS answer that changes in between cannot redirect it.
    const target = await resolvePublicTarget(batch.webhookUrl, {
      field: 'webhookUrl',
      allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    });
    const body = JSON.stringify({
      event: 'background-remover.batch.finished',
      batch: {
        id: batch.id,
        status: batch.status,
        totalItems: batch.totalItems,
        succeededItems: batch.succeededItems,
        failedItems: batch.failedItems,
        creditCharged: batch.creditCharged,
        creditRefunded: batch.creditRefunded,
        zipUrl: batch.zipUrl,
        completedAt: batch.completedAt,
      },
    });
    const webhookId = `batch-${batch.id}`;
    const timestamp = Math.floor(Date.now() / 1000);
    // Redirects are not followed: a 3xx is a failed delivery like any other non-2xx.
    const response = await fetchPinned(target, {
      method: 'POST',
      timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
      discardBody: true,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Lumiku-Webhooks/1',
        'lumiku-webhook-id': webhookId,
        'lumiku-signature': `t=${timestamp},v1=${signWebhook(this.config.WEBHOOK_SIGNING_SECRET, webhookId, timestamp, body)}`,
      },
      body,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`webhook answered ${response.status}`);
    }
    this.logger.log({ batchId: batch.id, status: response.status }, 'batch webhook delivered');
    return 'delivered';
  }
}

export function signWebhook(secret: string, webhookId: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${webhookId}.${timestamp}.${body}`).digest('hex');
}
