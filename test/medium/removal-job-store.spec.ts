import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundRemoverCoreModule, RemovalJobReconcileSource, RemovalSettlementService } from '@app/background-remover';
import { CreditsService } from '@app/credits';
import { MAX_TOTAL_ATTEMPTS } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { balanceMatchesLedger, paidMovements, paidRemovalJob } from '../support/paid-rows';
import { MediumContext, mediumContext } from './support/medium-database';

/** The Background Remover's job store on a real PostgreSQL: every status change conditional, money moved once. */
describe('removal job store', () => {
  let ctx: MediumContext;
  let prisma: PrismaService;
  let credits: CreditsService;
  let store: RemovalSettlementService;

  beforeAll(async () => {
    ctx = await mediumContext({
      imports: [BackgroundRemoverCoreModule],
      providers: [RemovalJobReconcileSource],
    });
    prisma = ctx.prisma;
    credits = ctx.module.get(CreditsService);
    store = ctx.module.get(RemovalSettlementService);
  });
  afterAll(() => ctx?.close());

  const reload = (id: string) => prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id } });
  const output = { outputKey: 'k/output.png', outputUrl: '/storage/k/output.png', thumbnailUrl: '/storage/k/thumb.webp', outputFormat: 'png', outputWidth: 64, outputHeight: 48, provider: 'embedded', processingMs: 5 };

  it('claim starts an open job (counting the attempt) and returns it; a settled or unknown one is not claimed', async () => {
    const { row } = await paidRemovalJob(prisma, credits);
    expect(await store.claim(row.id)).toMatchObject({ id: row.id, status: 'PROCESSING', attempts: 1, creditCharged: row.creditCharged });
    expect(await store.claim(row.id)).toMatchObject({ status: 'PROCESSING', attempts: 2 }); // a retry of a PROCESSING job is still open
    expect(await reload(row.id)).toMatchObject({ status: 'PROCESSING', attempts: 2 });

    expect(await store.succeed(row, output)).toBe(true);
    expect(await store.claim(row.id)).toBeNull();
    expect(await reload(row.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(await store.claim(randomUUID())).toBeNull();
  });

  it('succeed settles once with the output and keeps the charge; a late failure changes nothing', async () => {
    const { row, userId } = await paidRemovalJob(prisma, credits);
    await store.claim(row.id);

    expect(await store.succeed(row, output)).toBe(true);
    expect(await store.succeed(row, { ...output, outputKey: 'other' })).toBe(false);
    expect(await store.fail(row, 'PROVIDER_ERROR', 'too late')).toBe(false);

    expect(await reload(row.id)).toMatchObject({ status: 'SUCCEEDED', outputKey: 'k/output.png', errorCode: null });
    expect(await paidMovements(prisma, userId)).toEqual([{ kind: 'CHARGE', amount: -3 }]);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it('fail refunds exactly once, also when two settlements race', async () => {
    const { row, userId } = await paidRemovalJob(prisma, credits);
    await store.claim(row.id);

    const settled = await Promise.all([
      store.fail(row, 'PROVIDER_ERROR', 'first'),
      store.fail(row, 'PROVIDER_ERROR', 'second'),
      store.fail(row, 'INTERNAL_ERROR', 'third'),
    ]);
    expect(settled.filter(Boolean)).toHaveLength(1);
    expect(await store.fail(row, 'PROVIDER_ERROR', 'again')).toBe(false);

    expect(await reload(row.id)).toMatchObject({ status: 'FAILED' });
    expect(await paidMovements(prisma, userId)).toEqual([
      { kind: 'CHARGE', amount: -3 },
      { kind: 'REFUND', amount: 3 },
    ]);
    expect(await credits.getBalance(userId)).toBe(100);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it('a job refunded before it ran cannot start or succeed late: no output, no balance change', async () => {
    const { row, userId } = await paidRemovalJob(prisma, credits);
    // The API's enqueue timed out, so it failed and refunded the job; the job reached Redis anyway and runs now.
    expect(await store.fail(row, 'QUEUE_UNAVAILABLE', 'The job queue was unavailable')).toBe(true);
    const balance = await credits.getBalance(userId);

    expect(await store.claim(row.id)).toBeNull();
    expect(await store.succeed(row, output)).toBe(false);

    expect(await reload(row.id)).toMatchObject({ status: 'FAILED', attempts: 0, outputKey: null, outputUrl: null });
    expect(await credits.getBalance(userId)).toBe(balance);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it(`the reconciler gives up on a job that used ${MAX_TOTAL_ATTEMPTS} attempts and refunds it once`, async () => {
    const { row, userId } = await paidRemovalJob(prisma, credits, MAX_TOTAL_ATTEMPTS);
    const reconcile = ctx.module.get(RemovalJobReconcileSource);

    await Promise.all([reconcile.requeue(row.id), reconcile.requeue(row.id)]); // two reconciler passes at once
    await reconcile.requeue(row.id);

    expect(await reload(row.id)).toMatchObject({ status: 'FAILED', errorCode: 'INTERNAL_ERROR' });
    expect((await paidMovements(prisma, userId)).filter((m) => m.kind === 'REFUND')).toEqual([{ kind: 'REFUND', amount: 3 }]);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });
});
