import type { QualityTier } from '@app/prisma';

export interface SubscriptionPlan {
  id: string;
  name: string;
  /** Paid once, in credits, for `durationDays`. */
  creditPrice: number;
  durationDays: number;
  /** Images per UTC day the plan covers instead of credits. */
  dailyQuota: number;
  coveredTiers: QualityTier[];
}

/** The background-remover subscription plans: the one place they are defined. */
export const SUBSCRIPTION_PLANS: readonly SubscriptionPlan[] = [
  { id: 'starter', name: 'Starter', creditPrice: 300, durationDays: 30, dailyQuota: 20, coveredTiers: ['basic'] },
  { id: 'pro', name: 'Pro', creditPrice: 1200, durationDays: 30, dailyQuota: 100, coveredTiers: ['basic', 'standard'] },
  {
    id: 'business',
    name: 'Business',
    creditPrice: 4000,
    durationDays: 30,
    dailyQuota: 500,
    coveredTiers: ['basic', 'standard', 'professional', 'industry'],
  },
];

export function findPlan(id: string): SubscriptionPlan | undefined {
  return SUBSCRIPTION_PLANS.find((p) => p.id === id);
}
