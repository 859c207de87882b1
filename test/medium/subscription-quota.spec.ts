import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundRemoverCoreModule, SubscriptionQuotaService } from '@app/background-remover';
import { PrismaService } from '@app/prisma';
import { uniqueEmail } from '../support/http';
import { MediumContext, mediumContext } from './support/medium-database';

const DAY_MS = 24 * 3600_000;

/**
 * The daily quota on a real PostgreSQL. A removal reads the subscription before its payment transaction, so the
 * quota statement itself must refuse a subscription that is no longer in force, and take its quota from the row.
 */
describe('subscription quota', () => {
  let ctx: MediumContext;
  let prisma: PrismaService;
  let quota: SubscriptionQuotaService;

  beforeAll(async () => {
    ctx = await mediumContext({ imports: [BackgroundRemoverCoreModule] });
    prisma = ctx.prisma;
    quota = ctx.module.get(SubscriptionQuotaService);
  });
  afterAll(() => ctx?.close());

  async function subscription(data: { status?: 'ACTIVE' | 'CANCELLED' | 'EXPIRED'; dailyQuota?: number; expiresInMs?: number } = {}) {
    const user = await prisma.user.create({ data: { email: uniqueEmail('quota'), passwordHash: 'not-a-login' } });
    const now = Date.now();
    return prisma.backgroundRemoverSubscription.create({
      data: {
        userId: user.id,
        plan: 'pro',
        status: data.status ?? 'ACTIVE',
        dailyQuota: data.dailyQuota ?? 3,
        coveredTiers: ['basic', 'standard'],
        creditPrice: 100,
        startedAt: new Date(now - DAY_MS),
        expiresAt: new Date(now + (data.expiresInMs ?? 30 * DAY_MS)),
      },
    });
  }

  it("takes from today's quota up to the row's daily quota, never over it", async () => {
    const sub = await subscription({ dailyQuota: 3 });
    expect(await quota.consume(sub.id, 2)).toBe(true);
    expect(await quota.consume(sub.id, 2)).toBe(false); // 4 > 3: nothing taken
    expect(await quota.consume(sub.id, 1)).toBe(true);
    expect(await quota.consume(sub.id, 1)).toBe(false);
    expect(await quota.usedToday(sub.id)).toBe(3);
    expect(await quota.consume((await subscription({ dailyQuota: 3 })).id, 4)).toBe(false); // more than a whole day's quota
  });

  it('refuses a subscription that was cancelled, expired or ran out after it was read', async () => {
    const cancelled = await subscription();
    await prisma.backgroundRemoverSubscription.update({ where: { id: cancelled.id }, data: { status: 'CANCELLED', cancelledAt: new Date() } });
    const ranOut = await subscription({ expiresInMs: -1000 }); // still ACTIVE in the row, but past its end
    const expired = await subscription({ status: 'EXPIRED' });

    for (const sub of [cancelled, ranOut, expired]) {
      expect(await quota.consume(sub.id, 1)).toBe(false);
      expect(await quota.usedToday(sub.id)).toBe(0);
    }
  });

  it('a subscription cancelled after some use keeps its usage but gives no more', async () => {
    const sub = await subscription({ dailyQuota: 5 });
    expect(await quota.consume(sub.id, 1)).toBe(true);
    await prisma.backgroundRemoverSubscription.update({ where: { id: sub.id }, data: { status: 'CANCELLED', cancelledAt: new Date() } });
    expect(await quota.consume(sub.id, 1)).toBe(false);
    expect(await quota.usedToday(sub.id)).toBe(1);
  });
});
