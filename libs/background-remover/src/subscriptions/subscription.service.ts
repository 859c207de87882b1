import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@app/common';
import { CreditsService, Db } from '@app/credits';
import { BackgroundRemoverSubscription, PrismaService } from '@app/prisma';
import { removalCreditReference } from '../credit-references';
import { isSubscriptionActive } from '../pricing/payment-policy';
import { findPlan } from '../pricing/subscription-plans';
import { SubscriptionQuotaService } from './subscription-quota.service';

const DAY_MS = 24 * 3600_000;

/** Background-remover subscriptions: bought with credits, they cover some tiers with a daily image quota. */
@Injectable()
export class SubscriptionService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly credits: CreditsService,
    private readonly quota: SubscriptionQuotaService,
  ) {}

  /** The user's subscription if it is active now, else null. Inside a transaction pass its client as `db`. */
  async active(userId: string, db: Db = this.prisma): Promise<BackgroundRemoverSubscription | null> {
    const sub = await db.backgroundRemoverSubscription.findUnique({ where: { userId } });
    return isSubscriptionActive(sub) ? sub : null;
  }

  async current(userId: string): Promise<BackgroundRemoverSubscription | null> {
    const sub = await this.prisma.backgroundRemoverSubscription.findUnique({ where: { userId } });
    if (sub && sub.status === 'ACTIVE' && sub.expiresAt <= new Date()) {
      return this.prisma.backgroundRemoverSubscription.update({ where: { id: sub.id }, data: { status: 'EXPIRED' } });
    }
    return sub;
  }

  /**
   * Buys a plan with credits. The user's row is locked first, so concurrent purchases (a double click, a retrying
   * client) run one after another: the first charges and activates, the others find it active and get 409. Each
   * purchase has its own id, which is the ledger reference of its charge.
   */
  async subscribe(userId: string, planId: string): Promise<{ subscription: BackgroundRemoverSubscription; creditBalance: number }> {
    const plan = findPlan(planId);
    if (!plan) {
      throw new DomainError('VALIDATION_FAILED', `Unknown plan "${planId}"`, { fields: [{ field: 'plan', errors: ['unknown plan'] }] });
    }
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      if (locked.length === 0) throw new NotFoundError('User');
      if (await this.active(userId, tx)) throw new DomainError('CONFLICT', 'You already have an active subscription; cancel it first');
      const startedAt = new Date();
      const data = {
        plan: plan.id,
        status: 'ACTIVE' as const,
        dailyQuota: plan.dailyQuota,
        coveredTiers: plan.coveredTiers,
        creditPrice: plan.creditPrice,
        purchaseId: randomUUID(),
        startedAt,
        expiresAt: new Date(startedAt.getTime() + plan.durationDays * DAY_MS),
        cancelledAt: null,
      };
      const subscription = await tx.backgroundRemoverSubscription.upsert({ where: { userId }, create: { userId, ...data }, update: data });
      const charge = await this.credits.charge(
        userId,
        plan.creditPrice,
        removalCreditReference.subscriptionPurchase(data.purchaseId, `Background Remover ${plan.name} plan`),
        tx,
      );
      return { subscription, creditBalance: charge.balance };
    });
  }

  /** Stops coverage now. Credits already paid are not refunded (documented in the API). */
  async cancel(userId: string): Promise<BackgroundRemoverSubscription> {
    const sub = await this.active(userId);
    if (!sub) throw new NotFoundError('Active subscription');
    return this.prisma.backgroundRemoverSubscription.update({
      where: { id: sub.id },
      data: { status: 'CANCELLED', cancelledAt: new Date() },
    });
  }

  async usage(userId: string) {
    const sub = await this.active(userId);
    if (!sub) return { subscription: null, usedToday: 0, dailyQuota: 0, remainingToday: 0 };
    const usedToday = await this.quota.usedToday(sub.id);
    return { subscription: sub, usedToday, dailyQuota: sub.dailyQuota, remainingToday: Math.max(sub.dailyQuota - usedToday, 0) };
  }

}
