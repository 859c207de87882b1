import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { classifyJobFailure, JobName, JobProducer, OPEN_JOB_STATUSES } from '@app/jobs';
import type { Db } from '@app/credits';
import { BackgroundRemovalBatch, BackgroundRemovalJob, PrismaService } from '@app/prisma';
import { RemovalRefundService } from './removal-refund.service';
import { JobWebhookEvent, jobWebhookJobId } from '../webhooks/job-webhook-events';
import { WEBHOOK_DELIVERY_OPTIONS } from '../webhooks/webhook-sender.service';

const OPEN = { in: OPEN_JOB_STATUSES };

export interface RemovalOutput {
  outputKey: string;
  outputUrl: string;
  thumbnailUrl: string;
  outputFormat: string;
  outputWidth: number;
  outputHeight: number;
  provider: string;
  processingMs: number;
}

/**
 * Moves a removal job to its final state exactly once. Every transition is a conditional update on an open status,
 * so a job that stalled, was recovered and ran twice still settles (and refunds, and counts in its batch) once.
 */
@Injectable()
export class RemovalSettlementService {
  private readonly logger = new Logger(RemovalSettlementService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly refunds: RemovalRefundService,
    private readonly jobs: JobProducer,
  ) {}

  /**
   * Starts an attempt: the open row moved to PROCESSING with the attempt counted, read back by the same statement;
   * null (nothing changed) once the row is settled or gone. Only an open row may start: a job failed and refunded
   * meanwhile (e.g. an enqueue that timed out but did reach Redis) must not run and deliver an output the user got
   * their money back for. `startedAt` is when the latest attempt started (as for avatar generations).
   */
  async claim(jobId: string): Promise<BackgroundRemovalJob | null> {
    const [row] = await this.prisma.backgroundRemovalJob.updateManyAndReturn({
      where: { id: jobId, status: OPEN },
      data: { status: 'PROCESSING', attempts: { increment: 1 }, startedAt: new Date() },
    });
    return row ?? null;
  }

  async succeed(row: BackgroundRemovalJob, output: RemovalOutput): Promise<boolean> {
    const settle = (db: Db) =>
      db.backgroundRemovalJob.updateMany({
        where: { id: row.id, status: OPEN },
        data: { status: 'SUCCEEDED', ...output, errorCode: null, errorMessage: null, completedAt: new Date() },
      });
    // A single job settles in one statement; a batch item also counts in its batch, in the same transaction.
    const batchId = row.batchId;
    const settled = !batchId
      ? { ok: (await settle(this.prisma)).count === 1, batch: null }
      : await this.prisma.$transaction(async (tx) => {
          if ((await settle(tx)).count !== 1) return { ok: false, batch: null };
          // The incremented counters come back with the update: no second read to see whether the batch is done.
          const batch = await tx.backgroundRemovalBatch.update({ where: { id: batchId }, data: { succeededItems: { increment: 1 } } });
          return { ok: true, batch };
        });
    if (settled.ok && settled.batch) await this.finalizeIfDone(settled.batch);
    if (settled.ok) await this.notify(row, 'completed');
    return settled.ok;
  }

  async fail(row: BackgroundRemovalJob, code: string, message: string): Promise<boolean> {
    const settled = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.backgroundRemovalJob.updateMany({
        where: { id: row.id, status: OPEN },
        data: { status: 'FAILED', errorCode: code, errorMessage: message.slice(0, 500), completedAt: new Date() },
      });
      if (count !== 1) return { ok: false as const };
      await this.refunds.refund(row, tx);
      const batch = row.batchId ? await tx.backgroundRemovalBatch.update({ where: { id: row.batchId }, data: { failedItems: { increment: 1 } } }) : null;
      return { ok: true as const, batch };
    });
    if (settled.ok) this.logger.warn({ jobId: row.id, code }, 'background removal failed; payment returned');
    if (settled.ok && settled.batch) await this.finalizeIfDone(settled.batch);
    if (settled.ok) await this.notify(row, 'failed');
    return settled.ok;
  }

  /**
   * Queues the job's webhook for `event` if it asked for it. Best effort: the job has settled whatever happens here,
   * so a queue outage is logged rather than failing (and retrying) a finished job.
   */
  async notify(row: Pick<BackgroundRemovalJob, 'id' | 'webhookUrl' | 'webhookEvents' | 'attempts'>, event: JobWebhookEvent, attempt = row.attempts): Promise<void> {
    if (!row.webhookUrl || !row.webhookEvents.includes(event)) return;
    await this.jobs
      .enqueue(JobName.DeliverJobWebhook, { jobId: row.id, event, attempt }, { jobId: jobWebhookJobId(row.id, event, attempt), ...WEBHOOK_DELIVERY_OPTIONS })
      .catch((err: unknown) => this.logger.warn({ err, jobId: row.id, event }, 'could not queue the job webhook'));
  }

  /**
   * Decides what an error means for the job: retry later (rethrow while attempts remain and the error may pass),
   * or fail now and refund. Returns whether this call settled it (false: someone else already had).
   */
  async handleError(row: BackgroundRemovalJob, err: unknown, job: Job): Promise<boolean> {
    const failure = classifyJobFailure(err);
    const attemptsLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    if (failure.code === 'INTERNAL_ERROR') this.logger.error({ err, jobId: row.id }, 'background removal crashed');
    else this.logger.warn({ err, jobId: row.id, code: failure.code, transient: failure.transient, attemptsLeft }, 'background removal attempt failed');
    if (failure.transient && attemptsLeft) {
      await this.prisma.backgroundRemovalJob.updateMany({
        where: { id: row.id, status: OPEN },
        data: { status: 'QUEUED', errorMessage: `Retrying: ${failure.message}`.slice(0, 500) },
      });
      throw err;
    }
    return this.fail(row, failure.code, failure.message);
  }

  /**
   * When every item has settled, hand the batch to the finalize job (ZIP, final status, webhook). Settlement passes
   * the batch row as committed with its counter increment (no second read); a cancel passes the id.
   */
  async finalizeIfDone(batchOrId: string | BackgroundRemovalBatch): Promise<void> {
    const batch = typeof batchOrId === 'string' ? await this.prisma.backgroundRemovalBatch.findUnique({ where: { id: batchOrId } }) : batchOrId;
    if (!batch || !batchItemsSettled(batch)) return;
    if (batch.status !== 'QUEUED' && batch.status !== 'PROCESSING') return;
    await this.jobs.enqueue(JobName.FinalizeBatch, { batchId: batch.id }, { jobId: finalizeJobId(batch.id) });
  }
}

/** Every item succeeded, failed or was canceled. */
export const batchItemsSettled = (batch: { succeededItems: number; failedItems: number; canceledItems: number; totalItems: number }) =>
  batch.succeededItems + batch.failedItems + batch.canceledItems >= batch.totalItems;

export const finalizeJobId = (batchId: string) => `finalize-${batchId}`;
export const webhookJobId = (batchId: string) => `webhook-${batchId}`;
