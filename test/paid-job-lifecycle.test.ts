import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removalCreditReference, RemovalJobReconcileSource, RemovalSettlementService, RemoveBackgroundHandler } from '@app/background-remover';
import { CreditsService } from '@app/credits';
import { MAX_TOTAL_ATTEMPTS } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { createTestWorker } from './support/app';
import { uniqueEmail } from './support/http';

/**
 * The paid-job lifecycle's money rules on the real PostgreSQL, driving the worker's own services by hand (rows are
 * made here and never enqueued, so nothing else touches them): a job refunded before it ran never runs late, and a
 * poison job is given up after the attempt cap and refunded exactly once.
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

  /** An accepted, paid job row (as the API commits it), not on the queue. */
  async function paidJob(attempts = 0) {
    const user = await prisma.user.create({ data: { email: uniqueEmail('lifecycle'), passwordHash: 'not-a-login' } });
    await credits.grant(user.id, 100, { referenceType: 'test_topup', referenceId: user.id });
    const id = randomUUID();
    await credits.charge(user.id, 3, removalCreditReference.job(id, 'test charge'));
    const row = await prisma.backgroundRemovalJob.create({
      data: {
        id,
        userId: user.id,
        tier: 'basic',
        modelKey: 'background-remover:basic',
        paidWith: 'CREDITS',
        creditCharged: 3,
        inputKey: `background-remover/${user.id}/${id}/input.jpg`,
        inputMime: 'image/jpeg',
        inputBytes: 1000,
        width: 10,
        height: 10,
        attempts,
      },
    });
    return { row, userId: user.id };
  }
  const ledgerOf = (userId: string) => prisma.creditTransaction.findMany({ where: { userId }, select: { kind: true, amount: true } });
  const balanceMatchesLedger = async (userId: string) => {
    const sum = (await prisma.creditTransaction.aggregate({ where: { userId }, _sum: { amount: true } }))._sum.amount;
    return sum === (await credits.getBalance(userId));
  };

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
    expect((await ledgerOf(userId)).filter((t) => t.kind !== 'GRANT')).toEqual([
      { kind: 'CHARGE', amount: -3 },
      { kind: 'REFUND', amount: 3 },
    ]);
    expect(await balanceMatchesLedger(userId)).toBe(true);
  });

  it(`a poison job that used ${MAX_TOTAL_ATTEMPTS} attempts is given up by the reconciler and refunded exactly once`, async () => {
    const { row, userId } = await paidJob(MAX_TOTAL_ATTEMPTS);
    const source = worker.get(RemovalJobReconcileSource);

    await source.requeue(row.id);
    await source.requeue(row.id); // a second reconciler pass (or a second worker) changes nothing

    expect(await prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'FAILED', errorCode: 'INTERNAL_ERROR' });
    expect((await ledgerOf(userId)).filter((t) => t.kind === 'REFUND')).toEqual([{ kind: 'REFUND', amount: 3 }]);
    expect(await balanceMatchesLedger(userId)).toBe(true);
  });

  it('below the cap the reconciler re-enqueues instead (the row stays open)', async () => {
    const { row } = await paidJob(MAX_TOTAL_ATTEMPTS - 1);
    await worker.get(RemovalJobReconcileSource).requeue(row.id);
    const after = await prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id: row.id } });
    expect(['QUEUED', 'PROCESSING', 'FAILED']).toContain(after.status); // the worker may already be running it
    expect(after.errorCode === 'INTERNAL_ERROR' && after.errorMessage?.includes('attempts')).toBe(false);
  });
});
