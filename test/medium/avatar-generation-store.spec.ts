import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvatarGenerationReconcileSource, AvatarGenerationSettlement, AvatarProjectsService } from '@app/avatar-creator';
import { CreditsModule, CreditsService } from '@app/credits';
import { MAX_TOTAL_ATTEMPTS } from '@app/jobs';
import { AvatarGeneration, PrismaService } from '@app/prisma';
import { StorageModule } from '@app/storage';
import { balanceMatchesLedger, paidAvatarGeneration, paidMovements } from '../support/paid-rows';
import { MediumContext, mediumContext } from './support/medium-database';

/** The Avatar Creator's generation store on a real PostgreSQL: every status change conditional, money moved once. */
describe('avatar generation store', () => {
  let ctx: MediumContext;
  let prisma: PrismaService;
  let credits: CreditsService;
  let store: AvatarGenerationSettlement;

  beforeAll(async () => {
    ctx = await mediumContext({
      imports: [CreditsModule, StorageModule],
      providers: [AvatarGenerationSettlement, AvatarGenerationReconcileSource, AvatarProjectsService],
    });
    prisma = ctx.prisma;
    credits = ctx.module.get(CreditsService);
    store = ctx.module.get(AvatarGenerationSettlement);
  });
  afterAll(() => ctx?.close());

  const reload = (id: string) => prisma.avatarGeneration.findUniqueOrThrow({ where: { id } });
  const avatarsOf = (generation: AvatarGeneration) => prisma.avatar.count({ where: { generationId: generation.id } });
  const output = {
    providerId: 'embedded',
    imageKey: 'k/image.png',
    imageUrl: '/storage/k/image.png',
    thumbnailKey: 'k/thumb.webp',
    thumbnailUrl: '/storage/k/thumb.webp',
    width: 256,
    height: 256,
    durationMs: 5,
  };
  const failure = (errorCode: string) => ({ providerId: 'embedded', errorCode, errorMessage: `failed: ${errorCode}`, durationMs: 5 });

  it('markProcessing starts an open generation (counting the attempt) and refuses a settled one', async () => {
    const { generation } = await paidAvatarGeneration(prisma, credits);
    expect(await store.markProcessing(generation.id, 'embedded')).toBe(true);
    expect(await store.markProcessing(generation.id, 'embedded')).toBe(true);
    expect(await reload(generation.id)).toMatchObject({ status: 'PROCESSING', attempts: 2, provider: 'embedded' });

    expect(await store.succeed(generation, output)).toBe(true);
    expect(await store.markProcessing(generation.id, 'embedded')).toBe(false);
    expect(await reload(generation.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  it('succeed settles once: one avatar, one usage log, the charge kept; a late failure changes nothing', async () => {
    const { generation, userId } = await paidAvatarGeneration(prisma, credits);
    await store.markProcessing(generation.id, 'embedded');

    const settled = await Promise.all([store.succeed(generation, output), store.succeed(generation, output)]);
    expect(settled.filter(Boolean)).toHaveLength(1);
    expect(await store.fail(generation, failure('PROVIDER_ERROR'))).toBe(false);

    expect(await reload(generation.id)).toMatchObject({ status: 'SUCCEEDED', outputKey: output.imageKey, errorCode: null });
    expect(await avatarsOf(generation)).toBe(1);
    expect(await prisma.aiUsageLog.count({ where: { referenceId: generation.id } })).toBe(1);
    expect(await paidMovements(prisma, userId)).toEqual([{ kind: 'CHARGE', amount: -8 }]);
  });

  it('a succeeded preview makes no avatar (saving it does) and gets a fresh expiry', async () => {
    const { generation } = await paidAvatarGeneration(prisma, credits, { isPreview: true });
    expect(await store.succeed(generation, output)).toBe(true);
    const after = await reload(generation.id);
    expect(after.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await avatarsOf(generation)).toBe(0);
  });

  it('fail refunds exactly once, also when settlements race', async () => {
    const { generation, userId } = await paidAvatarGeneration(prisma, credits);
    await store.markProcessing(generation.id, 'embedded');

    const settled = await Promise.all([
      store.fail(generation, failure('PROVIDER_ERROR')),
      store.fail(generation, failure('PROVIDER_UNAVAILABLE')),
      store.fail(generation, failure('INTERNAL_ERROR')),
    ]);
    expect(settled.filter(Boolean)).toHaveLength(1);
    expect(await store.fail(generation, failure('PROVIDER_ERROR'))).toBe(false);

    expect(await reload(generation.id)).toMatchObject({ status: 'FAILED' });
    expect(await paidMovements(prisma, userId)).toEqual([
      { kind: 'CHARGE', amount: -8 },
      { kind: 'REFUND', amount: 8 },
    ]);
    expect(await credits.getBalance(userId)).toBe(100);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it('a generation refunded before it ran cannot start or succeed late: no output, no avatar, no balance change', async () => {
    const { generation, userId } = await paidAvatarGeneration(prisma, credits);
    expect(await store.fail(generation, failure('QUEUE_UNAVAILABLE'))).toBe(true);
    const balance = await credits.getBalance(userId);

    expect(await store.markProcessing(generation.id, 'embedded')).toBe(false);
    expect(await store.succeed(generation, output)).toBe(false);

    expect(await reload(generation.id)).toMatchObject({ status: 'FAILED', attempts: 0, outputKey: null, outputUrl: null });
    expect(await avatarsOf(generation)).toBe(0);
    expect(await credits.getBalance(userId)).toBe(balance);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it('deleting the project races the worker: the generation is settled and refunded once, a late success changes nothing', async () => {
    const { generation, userId } = await paidAvatarGeneration(prisma, credits);
    await store.markProcessing(generation.id, 'embedded');

    await Promise.all([store.fail(generation, failure('PROVIDER_ERROR')), ctx.module.get(AvatarProjectsService).delete(userId, generation.projectId)]);
    expect(await store.succeed(generation, output)).toBe(false);

    expect(await prisma.avatarGeneration.findUnique({ where: { id: generation.id } })).toBeNull();
    expect(await paidMovements(prisma, userId)).toEqual([
      { kind: 'CHARGE', amount: -8 },
      { kind: 'REFUND', amount: 8 },
    ]);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });

  it(`the reconciler gives up on a generation that used ${MAX_TOTAL_ATTEMPTS} attempts and refunds it once`, async () => {
    const { generation, userId } = await paidAvatarGeneration(prisma, credits, { attempts: MAX_TOTAL_ATTEMPTS });
    const reconcile = ctx.module.get(AvatarGenerationReconcileSource);

    await Promise.all([reconcile.requeue(generation.id), reconcile.requeue(generation.id)]);
    await reconcile.requeue(generation.id);

    expect(await reload(generation.id)).toMatchObject({ status: 'FAILED', errorCode: 'INTERNAL_ERROR' });
    expect((await paidMovements(prisma, userId)).filter((m) => m.kind === 'REFUND')).toEqual([{ kind: 'REFUND', amount: 8 }]);
    expect(await balanceMatchesLedger(prisma, credits, userId)).toBe(true);
  });
});
