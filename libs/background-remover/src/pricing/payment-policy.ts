import type { BackgroundRemoverSubscription, QualityTier } from '@app/prisma';

type Subscription = Pick<BackgroundRemoverSubscription, 'status' | 'expiresAt' | 'coveredTiers'>;

/** True when the subscription is in force at `now` (ACTIVE and not yet expired). */
export function isSubscriptionActive(sub: Subscription | null, now: Date = new Date()): boolean {
  return !!sub && sub.status === 'ACTIVE' && sub.expiresAt > now;
}

/** True when the subscription is in force and its plan covers the quality tier. */
export function subscriptionCovers(sub: Subscription | null, tier: QualityTier, now: Date = new Date()): boolean {
  return isSubscriptionActive(sub, now) && sub!.coveredTiers.includes(tier);
}

export type PaymentSource = 'TEST' | 'SUBSCRIPTION_QUOTA' | 'CREDITS';

/**
 * The order in which a removal request may be paid: test mode is free (and never touches quota or credits); a
 * subscription whose plan covers the tier pays from today's quota first — for the whole request or not at all — and
 * credits pay otherwise (at the volume discount). The caller tries each source in order in one transaction.
 */
export function paymentSources(req: { testMode: boolean; tier: QualityTier }, sub: Subscription | null, now: Date = new Date()): PaymentSource[] {
  if (req.testMode) return ['TEST'];
  return subscriptionCovers(sub, req.tier, now) ? ['SUBSCRIPTION_QUOTA', 'CREDITS'] : ['CREDITS'];
}
