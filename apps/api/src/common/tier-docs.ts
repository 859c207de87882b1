/**
 * Two unrelated "tiers" share the word and even a value (`basic`); the API docs always say which one a field is.
 * Code keeps them apart by type: `UserTier` (account) and `QualityTier` (background removal).
 */
export const ACCOUNT_TIERS = ['free', 'basic', 'pro', 'enterprise'] as const;
export const ACCOUNT_TIER_DOC = 'Account tier (free < basic < pro < enterprise): decides which avatar models a user may use. Not a background-removal quality tier.';
export const QUALITY_TIER_DOC = 'Background-removal quality tier (basic < standard < professional < industry): price and model per image. Not the account tier.';
