import { buildKey } from '@app/storage';

export const AVATAR_APP_ID = 'avatar-creator';


/** Longest side of generated thumbnails (WebP); the API uses the same size for uploads. */
export const THUMBNAIL_SIZE = 256;

/** Processing attempts (over all job runs) after which the reconciler stops re-enqueueing and fails + refunds. */
export const MAX_TOTAL_ATTEMPTS = 10;

/**
 * Public-area keys of a generated image. Same layout as the API's (apps/api/src/avatar-creator/avatar-storage-keys.ts):
 * everything of a project lives under avatar-creator/<userId>/<projectId>/, so deleting the project removes it.
 */
export function generationPrefix(g: { userId: string; projectId: string; id: string }): string {
  return buildKey('avatar-creator', g.userId, g.projectId, g.id);
}

export function generationOutputKeys(g: { userId: string; projectId: string; id: string }): { image: string; thumbnail: string } {
  const prefix = generationPrefix(g);
  return { image: buildKey(prefix, 'image.png'), thumbnail: buildKey(prefix, 'thumbnail.webp') };
}
