import { fastifyMultipart, FastifyMultipartOptions } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';

/**
 * @fastify/multipart in stream mode only. The API reads uploads with `request.parts()` (MultipartUploadService) and
 * never calls `saveRequestFiles()`, so the plugin's disk-mode cleanup hooks — an async `onRequest` that adds a
 * 'close' listener and an async `onResponse`, on every request of every route — are left out. Do not use
 * `saveRequestFiles()` with this registration: its temporary files would not be deleted.
 */
export async function registerStreamMultipart(fastify: FastifyInstance, options: FastifyMultipartOptions): Promise<void> {
  const withoutDiskCleanup: FastifyInstance = Object.create(fastify, {
    addHook: {
      value: (name: string, hook: never) => (name === 'onRequest' || name === 'onResponse' ? withoutDiskCleanup : fastify.addHook(name as never, hook)),
    },
  });
  await new Promise<void>((resolve, reject) => fastifyMultipart(withoutDiskCleanup, options, (err?: Error) => (err ? reject(err) : resolve())));
}
