import { Injectable, Logger } from '@nestjs/common';
import { DomainError, NotFoundError } from '@app/common';
import { JobProducer, OPEN_JOB_STATUSES, QueueName } from '@app/jobs';
import { BackgroundRemovalBatch, BackgroundRemovalJob, BatchStatus, Prisma, PrismaService } from '@app/prisma';
import { RemovalRefundService } from './removal-refund.service';
import { RemovalSettlementService } from './removal-settlement.service';

const OPEN_BATCH_STATUSES: BatchStatus[] = ['QUEUED', 'PROCESSING'];

export interface Cancellation<T> {
  value: T;
  /** Credits given back by this call (0 when repeated: nothing is refunded twice). */
  refunded: number;
}

/**
 * Owner cancellation. Only jobs that have not started are canceled: one conditional update QUEUED → CANCELED races
 * the worker's QUEUED/PROCESSING → PROCESSING, so a job either runs (and is charged) or is canceled and paid back,
 * never both. Jobs already running finish normally. The refund happens in the transaction that canceled the row, so
 * it happens once; a repeated cancel finds nothing left to cancel and answers the same state.
 */
@Injectable()
export class RemovalCancellationService {
  private readonly logger = new Logger(RemovalCancellationService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly refunds: RemovalRefundService,
    private readonly settlement: RemovalSettlementService,
    private readonly jobs: JobProducer,
  ) {}

  /** 404 for another user's job; 409 JOB_ALREADY_RUNNING / JOB_ALREADY_FINISHED when it can no longer be canceled. */
  async cancelJob(userId: string, id: string): Promise<Cancellation<BackgroundRemovalJob>> {
    const found = await this.prisma.backgroundRemovalJob.findFirst({ where: { id, userId }, select: { id: true } });
    if (!found) throw new NotFoundError('Job');
    const { refunded } = await this.cancelQueued({ id });
    const job = await this.prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id } });
    if (job.status === 'CANCELED') return { value: job, refunded };
    if (OPEN_JOB_STATUSES.includes(job.status as 'PROCESSING')) {
      throw new DomainError('JOB_ALREADY_RUNNING', 'The job is already running and will finish; it can no longer be canceled', { status: job.status });
    }
    throw new DomainError('JOB_ALREADY_FINISHED', `The job has already ${job.status === 'SUCCEEDED' ? 'succeeded' : 'failed'}; there is nothing to cancel`, {
      status: job.status,
    });
  }

  /**
   * Cancels every item not yet started; running items finish. The batch then ends CANCELED (no output) or PARTIAL
   * (some outputs, in the ZIP) once the running items have settled. 409 BATCH_ALREADY_FINISHED for a batch that
   * finished without being canceled.
   */
  async cancelBatch(userId: string, id: string): Promise<Cancellation<BackgroundRemovalBatch>> {
    const batch = await this.prisma.backgroundRemovalBatch.findFirst({ where: { id, userId } });
    if (!batch) throw new NotFoundError('Batch');
    const { refunded } = await this.cancelQueued({ batchId: id }, async (tx) => {
      await tx.backgroundRemovalBatch.updateMany({ where: { id, canceledAt: null, status: { in: OPEN_BATCH_STATUSES } }, data: { canceledAt: new Date() } });
    });
    const current = await this.prisma.backgroundRemovalBatch.findUniqueOrThrow({ where: { id } });
    if (!current.canceledAt) {
      throw new DomainError('BATCH_ALREADY_FINISHED', `The batch has already finished (${current.status.toLowerCase()}); there is nothing to cancel`, {
        status: current.status,
      });
    }
    return { value: current, refunded };
  }

  /** QUEUED → CANCELED for the matching rows, each paid back in the same transaction; then off the queue. */
  private async cancelQueued(where: { id: string } | { batchId: string }, alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void>): Promise<{ refunded: number }> {
    const { canceled, refunded } = await this.prisma.$transaction(async (tx) => {
      await alsoInTransaction?.(tx);
      const rows = await tx.backgroundRemovalJob.updateManyAndReturn({
        where: { ...where, status: 'QUEUED' },
        data: { status: 'CANCELED', errorCode: null, errorMessage: null, completedAt: new Date() },
      });
      let total = 0;
      for (const row of rows) total += await this.refunds.refund(row, tx, 'Refund: background removal canceled');
      for (const [batchId, count] of countByBatch(rows)) {
        await tx.backgroundRemovalBatch.update({ where: { id: batchId }, data: { canceledItems: { increment: count } } });
      }
      return { canceled: rows, refunded: total };
    });
    // A queue job left behind (e.g. one a worker had just picked up) finds its row CANCELED and does nothing.
    const queue = this.jobs.queue(QueueName.BackgroundRemoval);
    for (const row of canceled) await queue.remove(row.id).catch(() => 0);
    for (const batchId of countByBatch(canceled).keys()) await this.settlement.finalizeIfDone(batchId);
    if (canceled.length) this.logger.log({ ...where, canceled: canceled.length, refunded }, 'background removal canceled; payment returned');
    return { refunded };
  }
}

function countByBatch(rows: Pick<BackgroundRemovalJob, 'batchId'>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) if (row.batchId) counts.set(row.batchId, (counts.get(row.batchId) ?? 0) + 1);
  return counts;
}
