import type { UserTier } from '@app/prisma';

/** Catalogue app id of Avatar Creator models (ai_models.app_id). */
export const AVATAR_APP_ID = 'avatar-creator';


/** User tiers from lowest to highest: a user may use models whose tier is at most theirs. */
export const TIER_ORDER: readonly UserTier[] = ['free', 'basic', 'pro', 'enterprise'];

export function tierAllows(userTier: UserTier, modelTier: UserTier): boolean {
  return TIER_ORDER.indexOf(userTier) >= TIER_ORDER.indexOf(modelTier);
}

/**
 * Generation parameter bounds. FLUX works on 16-pixel latent patches, so width and height are multiples of 16;
 * 256..1536 covers the catalogue's sizes (1024 and 1536) without letting one request allocate a huge image.
 */
export const GENERATION_LIMITS = {
  promptMinLength: 3,
  promptMaxLength: 1000,
  negativePromptMaxLength: 500,
  minSide: 256,
  maxSide: 1536,
  sideMultiple: 16,
  /** Seeds are unsigned 32-bit integers (what FLUX pipelines and the embedded generator accept). */
  maxSeed: 4_294_967_295,
} as const;

/** Fallback size when a catalogue row names none. */
export const DEFAULT_GENERATION_SIDE = 1024;

/** Uploaded avatars are downscaled (never upscaled) so the longer side is at most this. */
export const UPLOAD_MAX_SIDE = 2048;

/** Longest side of avatar thumbnails (WebP), uploaded and generated alike. */
export const THUMBNAIL_SIZE = 256;

/** How many recent thumbnails a project summary carries. */
export const PROJECT_PREVIEW_THUMBNAILS = 4;
