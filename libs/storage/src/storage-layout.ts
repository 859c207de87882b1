import { buildKey } from './storage-key';

/**
 * Where each product keeps its files — the one place the API and the worker agree on. Every id in a key is a random
 * UUID, so public URLs are unguessable, and everything of one job / project sits under one prefix, so deleting it
 * deletes exactly its files.
 */
export const storageLayout = {
  removal: {
    /** Public outputs of one job: output.<ext> and thumbnail.webp. */
    jobPrefix: (userId: string, jobId: string) => buildKey('background-remover', userId, jobId),
    /** Private: the single-image input. */
    input: (userId: string, jobId: string, extension: string) => buildKey('background-remover', userId, jobId, `input.${extension}`),
    /** Private: the background image composited behind a single job's subject (batch items share their upload's). */
    background: (userId: string, jobId: string, extension: string) => buildKey('background-remover', userId, jobId, `background.${extension}`),
    output: (userId: string, jobId: string, extension: string) => buildKey('background-remover', userId, jobId, `output.${extension}`),
    thumbnail: (userId: string, jobId: string) => buildKey('background-remover', userId, jobId, 'thumbnail.webp'),
    /** Private: the streamed files of one batch request (they become the batch items' inputs). */
    uploadsPrefix: (userId: string, uploadId: string) => buildKey('background-remover', userId, 'uploads', uploadId),
    batchZip: (userId: string, batchId: string) => buildKey('background-remover', userId, 'batches', batchId, `lumiku-batch-${batchId}.zip`),
  },
  avatar: {
    projectPrefix: (userId: string, projectId: string) => buildKey('avatar-creator', userId, projectId),
    /** An uploaded avatar or a generation: image.png and thumbnail.webp under the project. */
    assetPrefix: (userId: string, projectId: string, assetId: string) => buildKey('avatar-creator', userId, projectId, assetId),
    assetKeys: (userId: string, projectId: string, assetId: string) => ({
      image: buildKey('avatar-creator', userId, projectId, assetId, 'image.png'),
      thumbnail: buildKey('avatar-creator', userId, projectId, assetId, 'thumbnail.webp'),
    }),
  },
};
