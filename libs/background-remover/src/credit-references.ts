import type { CreditReference } from '@app/credits';

/** Ledger reference types of the Background Remover; (type, id, kind) is unique, so each charge/refund happens once. */
export const REMOVAL_REFERENCE_TYPES = { job: 'bg_removal_job', batch: 'bg_removal_batch', subscription: 'bg_remover_subscription' } as const;

/** What each Background Remover credit movement refers to: the API charges, the worker refunds, neither twice. */
export const removalCreditReference = {
  job: (jobId: string, description?: string): CreditReference => ({ referenceType: REMOVAL_REFERENCE_TYPES.job, referenceId: jobId, description }),
  batch: (batchId: string, description?: string): CreditReference => ({ referenceType: REMOVAL_REFERENCE_TYPES.batch, referenceId: batchId, description }),
  /** One purchase of a plan (each purchase, including a renewal after cancelling, has its own id). */
  subscriptionPurchase: (purchaseId: string, description?: string): CreditReference => ({
    referenceType: REMOVAL_REFERENCE_TYPES.subscription,
    referenceId: purchaseId,
    description,
  }),
};
