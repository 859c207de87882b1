export const AVATAR_APP_ID = 'avatar-creator';

/** Longest side of generated thumbnails (WebP); the API uses the same size for uploads. */
export const THUMBNAIL_SIZE = 256;
