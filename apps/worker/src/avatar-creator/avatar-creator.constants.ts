export const AVATAR_APP_ID = 'avatar-creator';

/** Longest side of generated thumbnails (WebP); the API uses the same size for uploads. */
export const THUMBNAIL_SIZE = 256;

/** Processing attempts (over all job runs) after which the reconciler stops re-enqueueing and fails + refunds. */
export const MAX_TOTAL_ATTEMPTS = 10;
