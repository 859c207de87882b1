import type { CreditReference } from './credits.service';

/**
 * What each credit movement refers to. With the ledger's unique (reference_type, reference_id, kind) these make
 * charges and refunds idempotent: the API charges, the worker refunds, and neither can do it twice.
 */
export const creditReference = {
  removalJob: (jobId: string, description?: string): CreditReference => ({ referenceType: 'bg_removal_job', referenceId: jobId, description }),
  removalBatch: (batchId: string, description?: string): CreditReference => ({ referenceType: 'bg_removal_batch', referenceId: batchId, description }),
  /** One purchase of a plan (each purchase, including a renewal after cancelling, has its own id). */
  subscriptionPurchase: (purchaseId: string, description?: string): CreditReference => ({
    referenceType: 'bg_remover_subscription',
    referenceId: purchaseId,
    description,
  }),
  avatarGeneration: (generationId: string, description?: string): CreditReference => ({
    referenceType: 'avatar_generation',
    referenceId: generationId,
    description,
  }),
};
