import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/prisma';
import type { Db } from '@app/credits';

/** UTC calendar day a quota counter belongs to. */
export function quotaDay(at: Date = new Date()): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/**
 * Daily subscription quota, consumed with ONE conditional upsert so concurrent requests can never push `used`
 * over the plan's quota (the row lock serialises them and the WHERE re-checks).
 */
@Injectable()
export class SubscriptionQuotaService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Takes `count` images from today's quota; false (and nothing taken) when it would exceed the daily quota or the
   * subscription is no longer in force. Both are read from the subscription row by the same statement, so a caller
   * may decide to pay from quota on a subscription it read earlier (outside its transaction).
   */
  async consume(subscriptionId: string, count: number, db: Db = this.prisma): Promise<boolean> {
    const rows = await db.$queryRaw<{ used: number }[]>`
      WITH quota AS (
        SELECT daily_quota FROM background_remover_subscriptions
         WHERE id = ${subscriptionId}::uuid AND status = 'ACTIVE' AND expires_at > now()
      )
      INSERT INTO background_remover_subscription_usage AS u (id, subscription_id, day, used, updated_at)
      SELECT gen_random_uuid(), ${subscriptionId}::uuid, ${quotaDay()}::date, ${count}, now()
        FROM quota WHERE ${count} <= quota.daily_quota
      ON CONFLICT (subscription_id, day)
      DO UPDATE SET used = u.used + ${count}, updated_at = now()
       WHERE u.used + ${count} <= (SELECT daily_quota FROM quota)
      RETURNING used`;
    return rows.length === 1;
  }

  /** Gives back quota taken on `day` (a failed item); never below zero. */
  async release(subscriptionId: string, day: Date, count: number, db: Db = this.prisma): Promise<void> {
    await db.$executeRaw`
      UPDATE background_remover_subscription_usage
         SET used = GREATEST(used - ${count}, 0), updated_at = now()
       WHERE subscription_id = ${subscriptionId}::uuid AND day = ${quotaDay(day)}::date`;
  }

  async usedToday(subscriptionId: string): Promise<number> {
    const row = await this.prisma.backgroundRemoverSubscriptionUsage.findUnique({
      where: { subscriptionId_day: { subscriptionId, day: quotaDay() } },
      select: { used: true },
    });
    return row?.used ?? 0;
  }
}
