import { describe, expect, it } from 'vitest';
import { isSubscriptionActive, paymentSources, subscriptionCovers } from './payment-policy';

const NOW = new Date('2026-11-30T12:00:00Z');
const pro = { status: 'ACTIVE' as const, expiresAt: new Date('2026-12-30T12:00:00Z'), coveredTiers: ['basic' as const, 'standard' as const] };

describe('payment policy (who pays for a removal)', () => {
  it('test mode is free, even with a subscription that covers the tier', () => {
    expect(paymentSources({ testMode: true, tier: 'basic' }, pro, NOW)).toEqual(['TEST']);
  });

  it('a covered tier pays from the quota first, then credits', () => {
    expect(paymentSources({ testMode: false, tier: 'standard' }, pro, NOW)).toEqual(['SUBSCRIPTION_QUOTA', 'CREDITS']);
  });

  it('a tier the plan does not cover, no subscription, or one no longer in force: credits only', () => {
    expect(paymentSources({ testMode: false, tier: 'professional' }, pro, NOW)).toEqual(['CREDITS']);
    expect(paymentSources({ testMode: false, tier: 'basic' }, null, NOW)).toEqual(['CREDITS']);
    expect(paymentSources({ testMode: false, tier: 'basic' }, { ...pro, status: 'CANCELLED' }, NOW)).toEqual(['CREDITS']);
    expect(paymentSources({ testMode: false, tier: 'basic' }, { ...pro, expiresAt: NOW }, NOW)).toEqual(['CREDITS']);
  });

  it('a subscription is in force until (not at) its expiry', () => {
    expect(isSubscriptionActive(pro, NOW)).toBe(true);
    expect(isSubscriptionActive({ ...pro, expiresAt: new Date(NOW.getTime() + 1) }, NOW)).toBe(true);
    expect(isSubscriptionActive({ ...pro, expiresAt: NOW }, NOW)).toBe(false);
    expect(subscriptionCovers({ ...pro, status: 'EXPIRED' }, 'basic', NOW)).toBe(false);
  });
});
