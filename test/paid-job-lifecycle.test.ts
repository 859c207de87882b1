import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemovalJobReconcileSource, RemovalSettlementService, RemoveBackgroundHandler } from '@app/background-remover';
import { CreditsService } from '@app/credits';
import { MAX_TOTAL_ATTEMPTS } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { createTestWorker } from './support/app';
import { balanceMatchesLedger, paidMovements, paidRemovalJob } from './support/paid-rows';

/**
 * The paid-job lifecycle's money rules through the whole worker (real PostgreSQL and Redis), driving its own services
 * by hand (rows are made here and never enqueued, so nothing else touches them): a job refunded before it ran never
 * runs late, and a poison job is given up after the attempt cap and refunded exactly once. The job stores alone are
 * covered faster by test/medium.
 */
describe('paid-job lifecycle (background removal)', () => {
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let credits: CreditsService;

  beforeAll(async () => {
    // The reconciler's own schedule must not pick up the rows this file drives by hand.
    worker = await createTestWorker({ RECONCILE_GRACE_SECONDS: '3600' });
    prisma = worker.get(PrismaService);
    credits = worker.get(CreditsService);
  });
  afterAll(async () => {
    await worker.close();
  });

  const paidJob = (attempts = 0) => paidRemovalJob(prisma, credits, attempts);

  it('a job failed and refunded before it ran does not produce output or change the balance when it runs late', async () => {
    const { row, userId } = await paidJob();
    // The enqueue timed out (so the API failed and refunded it), but the job did reach Redis and now runs.
    expect(await worker.get(RemovalSettlementService).fail(row, 'QUEUE_UNAVAILABLE', 'The job queue was unavailable')).toBe(true);
    const balanceAfterRefund = await credits.getBalance(userId);

    const lateRun = await worker.get(RemoveBackgroundHandler).handle({ jobId: row.id }, { attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job);

    expect(lateRun).toBe('already-settled');
    expect(await prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'FAILED',
      outputKey: null,
      outputUrl: null,
      attempts: 0,
    });
    expect(await credits.getBalance(userId)).toBe(balanceAfterRefund);
    expect(await paidMovements(prisma, userId)).toEqual([
      { kind: 'CHARGE', amount: -3 },
      { kind: 'REFUND', amount: 3 },
    ]);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it(`a poison job that used ${MAX_TOTAL_ATTEMPTS} attempts is given up by the reconciler and refunded exactly once`, async () => {
    const { row, userId } = await paidJob(MAX_TOTAL_ATTEMPTS);
    const source = worker.get(RemovalJobReconcileSource);

    await source.requeue(row.id);
    await source.requeue(row.id); // a second reconciler pass (or a second worker) changes nothing

    expect(await prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'FAILED', errorCode: 'INTERNAL_ERROR' });
    expect((await paidMovements(prisma, userId)).filter((t) => t.kind === 'REFUND')).toEqual([{ kind: 'REFUND', amount: 3 }]);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it('below the cap the reconciler re-enqueues instead (the row stays open)', async () => {
    const { row } = await paidJob(MAX_TOTAL_ATTEMPTS - 1);
    await worker.get(RemovalJobReconcileSource).requeue(row.id);
    const after = await prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id: row.id } });
    expect(['QUEUED', 'PROCESSING', 'FAILED']).toContain(after.status); // the worker may already be running it
    expect(after.errorCode === 'INTERNAL_ERROR' && after.errorMessage?.includes('attempts')).toBe(false);
  });
});
