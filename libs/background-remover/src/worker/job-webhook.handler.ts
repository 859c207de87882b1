import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobName, JobPayloads } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { WebhookSender } from '../webhooks/webhook-sender.service';
import { jobWebhookJobId } from '../webhooks/job-webhook-events';

/**
 * Signed single-job webhook: `background-remover.job.<event>` with the job as it is at delivery (signature and
 * retries: WebhookSender).
 */
@Injectable()
export class JobWebhookHandler {
  private readonly logger = new Logger(JobWebhookHandler.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly sender: WebhookSender,
  ) {}

  @JobHandler(JobName.DeliverJobWebhook)
  async handle(payload: JobPayloads['deliver-job-webhook']): Promise<string> {
    const job = await this.prisma.backgroundRemovalJob.findUnique({ where: { id: payload.jobId } });
    if (!job?.webhookUrl) return 'no webhook';
    const status = await this.sender.send(job.webhookUrl, jobWebhookJobId(job.id, payload.event, payload.attempt), {
      event: `background-remover.job.${payload.event}`,
      job: {
        id: job.id,
        status: job.status,
        tier: job.tier,
        attempts: job.attempts,
        outputUrl: job.outputUrl,
        thumbnailUrl: job.thumbnailUrl,
        paidWith: job.paidWith,
        creditCharged: job.creditCharged,
        errorCode: job.errorCode,
        errorMessage: job.errorMessage,
        createdAt: job.createdAt,
        completedAt: job.completedAt,
      },
    });
    this.logger.log({ jobId: job.id, event: payload.event, status }, 'job webhook delivered');
    return 'delivered';
  }
}
