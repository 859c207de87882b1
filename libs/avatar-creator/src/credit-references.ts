import type { CreditReference } from '@app/credits';

/** The ledger reference of a generation's charge and refund ((type, id, kind) is unique: each happens once). */
export const avatarGenerationCreditReference = (generationId: string, description?: string): CreditReference => ({
  referenceType: 'avatar_generation',
  referenceId: generationId,
  description,
});
