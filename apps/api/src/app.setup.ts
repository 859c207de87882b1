import { mkdir } from 'node:fs/promises';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { LumikuMetrics, metricsAccess } from '@app/metrics';
import { S3PublicDelivery, S3StorageDriver, StorageService } from '@app/storage';
import { registerQueueUi } from './admin/queue-ui';
import { requestIdGenerator } from './common/logging/request-id';
import { registerRequestLogging } from './common/logging/request-logging';
import { setupSwagger } from './common/swagger';
import { registerStreamMultipart } from './common/uploads/stream-multipart';
import { registerRequestMetrics } from './metrics/request-metrics.hook';
import { createValidationPipe } from './common/validation';

/** Room for a base64 (or data: URL) image of the largest accepted size; option fields are capped lower by the reader. */
function base64FieldBytes(maxImageBytes: number): number {
  return Math.ceil(maxImageBytes / 3) * 4 + 1024;
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.TRUST_PROXY,
    // JSON bodies are small; uploads go through multipart with their own limits.
    bodyLimit: 1024 * 1024,
    // Keep a well-formed client X-Request-Id for correlation, else mint one.
    requestIdHeader: false,
    genReqId: requestIdGenerator(),
    forceCloseConnections: 'idle',
  });
}

/** Everything main.ts and the e2e tests share: prefix, pipes, errors, uploads, storage serving, docs. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(NestPinoLogger));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  // After a signal, exit through process.exit (not by re-raising it): pino writes its pending log lines on 'exit'.
  app.enableShutdownHooks([], { useProcessExit: true });

  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  registerRequestLogging(fastify, await app.resolve(PinoLogger));
  // No metrics endpoint (production without METRICS_TOKEN): nothing to record either.
  if (metricsAccess(config).mode !== 'off') registerRequestMetrics(fastify, app.get(LumikuMetrics));

  await registerStreamMultipart(fastify, {
    throwFileSizeLimit: true,
    limits: {
      fileSize: config.UPLOAD_MAX_BYTES,
      files: config.UPLOAD_MAX_FILES,
      parts: config.UPLOAD_MAX_FILES + 20,
      // Image URLs and base64 images arrive as fields: one per image at most, besides the options.
      fields: config.UPLOAD_MAX_FILES + 20,
      fieldSize: base64FieldBytes(config.UPLOAD_MAX_BYTES),
    },
  });

  await registerStorageServing(app, fastify, config);
  await registerQueueUi(app, fastify, config);
  if (config.SWAGGER_ENABLED) setupSwagger(app);
}

/**
 * Serves the public storage area at /storage/*: from the local public root, or from S3 (streamed or redirected,
 * STORAGE_PUBLIC_DELIVERY). The URL shape is the same for both, so stored URLs survive a switch of driver.
 */
async function registerStorageServing(app: NestFastifyApplication, fastify: FastifyInstance, config: AppConfig): Promise<void> {
  const storage = app.get(StorageService);
  const root = storage.publicRoot();
  if (root) return serveLocalPublicRoot(fastify, root);
  if (storage.driver instanceof S3StorageDriver) {
    serveS3PublicArea(fastify, new S3PublicDelivery(storage.driver, config.STORAGE_PUBLIC_DELIVERY, config.S3_PRESIGN_TTL_SECONDS));
  }
}

function storageNotFoundBody(request: FastifyRequest): string {
  return JSON.stringify({ statusCode: 404, code: 'NOT_FOUND', message: 'File not found', requestId: request.id });
}

/**
 * Registered directly (not via @nestjs/serve-static, which disables wildcard mode so files written after start
 * would 404). No listing, no dotfiles, `..` → 404.
 */
async function serveLocalPublicRoot(fastify: FastifyInstance, root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  // Its own encapsulated scope, so the onSend hook below runs for /storage/* only, not for every API route.
  await fastify.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root,
      prefix: '/storage/',
      wildcard: true,
      index: false,
      list: false,
      serveDotFiles: false,
      decorateReply: false,
      setHeaders: (reply) => {
        void reply.header('x-content-type-options', 'nosniff');
        void reply.header('cache-control', 'public, max-age=86400, immutable');
      },
    });
    scope.addHook('onSend', async (request: FastifyRequest, reply, payload) => {
      // @fastify/static's own 403 (directory) / 404 bodies are not our contract; a directory is simply not found.
      if (reply.statusCode === 404 || reply.statusCode === 403) {
        void reply.code(404).header('content-type', 'application/json; charset=utf-8');
        return storageNotFoundBody(request);
      }
      return payload;
    });
  });
}

/** `/storage/<key>` from the bucket's public area. Fastify destroys a streamed body if the client goes away. */
function serveS3PublicArea(fastify: FastifyInstance, delivery: S3PublicDelivery): void {
  fastify.route({
    method: ['GET', 'HEAD'],
    url: '/storage/*',
    handler: async (request, reply) => {
      const key = (request.params as { '*'?: string })['*'] ?? '';
      try {
        const res = await delivery.respond(key, request.method === 'HEAD' ? 'HEAD' : 'GET');
        if (res.status === 404) {
          return reply.code(404).header('content-type', 'application/json; charset=utf-8').send(storageNotFoundBody(request));
        }
        return reply.code(res.status).headers(res.headers).send(res.body);
      } catch (err) {
        // Object-store failures are ours, not the client's: log them, answer with the error contract.
        new Logger('StorageServing').error({ err, key, requestId: request.id }, 'object storage read failed');
        return reply
          .code(500)
          .header('content-type', 'application/json; charset=utf-8')
          .send(JSON.stringify({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', requestId: request.id }));
      }
    },
  });
}
