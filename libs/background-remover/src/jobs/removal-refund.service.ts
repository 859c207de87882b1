import { Injectable } from '@nestjs/common';
import { BackgroundRemovalJob, PrismaService } from '@app/prisma';
import { CreditsService, Db } from '@app/credits';
import { SubscriptionQuotaService } from '../subscriptions/subscription-quota.service';
import { removalCreditReference } from '../credit-references';

/**
 * Gives back what a failed or canceled background-removal job paid: its credit share (idempotent per job through the
 * ledger) or the subscription quota it took. Call it only from the one place that moved the job to FAILED or CANCELED
 * (a conditional status update from an open status), which is what makes the quota release happen exactly once.
 */
@Injectable()
export class RemovalRefundService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly credits: CreditsService,
    private readonly quota: SubscriptionQuotaService,
  ) {}

  async refund(
    job: Pick<BackgroundRemovalJob, 'id' | 'userId' | 'batchId' | 'paidWith' | 'creditCharged' | 'createdAt'>,
    db: Db = this.prisma,
    description = 'Refund: background removal failed',
  ): Promise<number> {
    if (job.paidWith === 'CREDITS' && job.creditCharged > 0) {
      const moved = await this.credits.refund(job.userId, job.creditCharged, removalCreditReference.job(job.id, description), db);
      if (moved.applied && job.batchId) {
        await db.backgroundRemovalBatch.update({ where: { id: job.batchId }, data: { creditRefunded: { increment: job.creditCharged } } });
      }
      return moved.applied ? job.creditCharged : 0;
    }
    if (job.paidWith === 'SUBSCRIPTION') {
      const sub = await db.backgroundRemoverSubscription.findUnique({ where: { userId: job.userId }, select: { id: true } });
      if (sub) await this.quota.release(sub.id, job.createdAt, 1, db);
    }
    return 0;
  }
}
