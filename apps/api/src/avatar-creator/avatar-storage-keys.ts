import { buildKey } from '@app/storage';

/**
 * Storage layout (public area): every file of a project lives under one prefix, so deleting a project deletes
 * exactly its files. `<assetId>` is an avatar id (uploads) or a generation id (generated images); both are
 * random UUIDs, so URLs are unguessable. The worker writes generated images with the same layout
 * (apps/worker/src/avatar-creator/avatar-generation-keys.ts).
 *
 *   avatar-creator/<userId>/<projectId>/<assetId>/image.png
 *   avatar-creator/<userId>/<projectId>/<assetId>/thumbnail.webp
 */
export function projectStoragePrefix(userId: string, projectId: string): string {
  return buildKey('avatar-creator', userId, projectId);
}

export function avatarAssetKeys(userId: string, projectId: string, assetId: string): { image: string; thumbnail: string } {
  return {
    image: buildKey(projectStoragePrefix(userId, projectId), assetId, 'image.png'),
    thumbnail: buildKey(projectStoragePrefix(userId, projectId), assetId, 'thumbnail.webp'),
  };
}
