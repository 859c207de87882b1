import { Injectable, Logger } from '@nestjs/common';
import { JobName, JobProducer, MAX_TOTAL_ATTEMPTS, OPEN_JOB_STATUSES, QueueName, ReconcileSource } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { finalizeJobId, RemovalSettlementService } from '../jobs/removal-settlement.service';

/**
 * Removal jobs committed (or mid-flight) whose queue job is gone: enqueue them again — unless the row already used
 * MAX_TOTAL_ATTEMPTS, then it is failed and refunded once instead of looping forever (a poison input).
 */
@Injectable()
export class RemovalJobReconcileSource implements ReconcileSource {
  readonly name = 'background-removal-jobs';
  private readonly logger = new Logger(RemovalJobReconcileSource.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
    private readonly settlement: RemovalSettlementService,
  ) {}

  async findUnsettled(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.backgroundRemovalJob.findMany({
      where: { status: { in: OPEN_JOB_STATUSES }, updatedAt: { lt: before } },
      select: { id: true },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  jobState(id: string): Promise<string> {
    return this.jobs.queue(QueueName.BackgroundRemoval).getJobState(id);
  }

  async requeue(id: string): Promise<void> {
    const row = await this.prisma.backgroundRemovalJob.findUnique({ where: { id } });
    if (!row || !OPEN_JOB_STATUSES.includes(row.status as 'QUEUED')) return;
    if (row.attempts >= MAX_TOTAL_ATTEMPTS) {
      await this.settlement.fail(row, 'INTERNAL_ERROR', `The image could not be processed after ${row.attempts} attempts`);
      this.logger.warn({ jobId: id, attempts: row.attempts }, 'gave up on a removal that kept failing to settle');
      return;
    }
    // A finished BullMQ job with this id would make the add a no-op: remove it first.
    await this.jobs.queue(QueueName.BackgroundRemoval).remove(id).catch(() => 0);
    await this.jobs.enqueue(JobName.RemoveBackground, { jobId: id }, { jobId: id });
  }
}

/** Batches whose items have all settled but that were never finalized (e.g. Redis was down at that moment). */
@Injectable()
export class BatchFinalizeReconcileSource implements ReconcileSource {
  readonly name = 'background-removal-batches';

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
  ) {}

  async findUnsettled(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM background_removal_batches
       WHERE status IN ('QUEUED', 'PROCESSING') AND succeeded_items + failed_items + canceled_items >= total_items AND updated_at < ${before}
       ORDER BY updated_at LIMIT ${limit}`;
    return rows.map((r) => r.id);
  }

  jobState(id: string): Promise<string> {
    return this.jobs.queue(QueueName.BackgroundRemoval).getJobState(finalizeJobId(id));
  }

  async requeue(id: string): Promise<void> {
    await this.jobs.queue(QueueName.BackgroundRemoval).remove(finalizeJobId(id)).catch(() => 0);
    await this.jobs.enqueue(JobName.FinalizeBatch, { batchId: id }, { jobId: finalizeJobId(id) });
  }
}
