import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Ajv } from 'ajv';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { PrismaService } from '@app/prisma';
import { noisy, pngWithDeclaredSize } from '../libs/images/src/testing/test-images';
import { toErrorResponse } from '../apps/api/src/common/error-response';
import { UploadAdmissionService } from '../apps/api/src/common/uploads/upload-admission.service';
import { createTestApi } from './support/app';
import { registerUser, RegisteredUser, uniqueEmail } from './support/http';
import { productPhoto } from './support/images';
import { multipart, MultipartFile } from './support/multipart';
import { postgresBaseUrl } from './support/test-env';
import { waitFor } from './support/wait';

/**
 * The error contract as documented: every error code that openapi.json documents on some operation is provoked once
 * here against the real API (PostgreSQL, Redis), and each answer must (1) validate against the documented
 * `ErrorResponse` schema and (2) carry a code the operation documents for that status. The last test checks that no
 * documented code was left unprovoked.
 */
type Method = 'get' | 'post' | 'patch' | 'delete';
interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  json: () => unknown;
}
interface OpenApiOperation {
  responses: Record<string, { content?: { 'application/json'?: { examples?: Record<string, unknown> } } }>;
}

const spec = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Partial<Record<Method, OpenApiOperation>>>;
  components: { schemas: { ErrorResponse: object } };
};
const validate = new Ajv({ allErrors: true }).compile(spec.components.schemas.ErrorResponse);

/** Codes documented on (method, path, status), read from the examples the document lists per code. */
function documentedCodes(method: Method, path: string, status: number): string[] {
  const op = spec.paths[path]?.[method];
  if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in openapi.json`);
  return Object.keys(op.responses[String(status)]?.content?.['application/json']?.examples ?? {});
}

const allDocumentedCodes = new Set(
  Object.values(spec.paths).flatMap((item) =>
    Object.values(item).flatMap((op) => Object.values(op.responses).flatMap((r) => Object.keys(r.content?.['application/json']?.examples ?? {}))),
  ),
);
const provoked = new Set<string>();

/** Asserts the answer is `code`, valid against ErrorResponse, and documented for the operation. */
function expectDocumented(res: Answer, method: Method, path: string, code: string): void {
  const body = res.json() as { code?: string; statusCode?: number };
  const ctx = `${method.toUpperCase()} ${path} → ${res.statusCode} ${JSON.stringify(body)}`;
  expect(body.code, ctx).toBe(code);
  expect(validate(body), `${ctx}: ${JSON.stringify(validate.errors)}`).toBe(true);
  expect(documentedCodes(method, path, res.statusCode), ctx).toContain(code);
  if (res.statusCode === 429 || res.statusCode === 503) expect(res.headers['retry-after'], ctx).toBeTruthy();
  provoked.add(code);
}

const RB = '/api/background-remover';
const AC = '/api/apps/avatar-creator';

/** An app with its own config overrides, closed afterwards. */
/** Sessions of the test database running this file's `pg_sleep(6)`, seen through another pool than the one it holds. */
async function sleepingQueries(prisma: PrismaService): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(6)%' AND pid <> pg_backend_pid()`;
  return row?.n ?? 0;
}

async function withApi<T>(overrides: Record<string, string>, fn: (app: NestFastifyApplication) => Promise<T>): Promise<T> {
  const app = await createTestApi(overrides);
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

describe('API contract: every documented error code, provoked, matches the documented schema', () => {
  let app: NestFastifyApplication;
  let user: RegisteredUser;
  let photo: Buffer;
  const image = (data: Buffer, field = 'image', filename = 'p.jpg'): MultipartFile => ({ field, filename, contentType: 'image/jpeg', data });
  const upload = (target: NestFastifyApplication, url: string, fields: Record<string, string>, files: MultipartFile[], headers: Record<string, string> = {}) => {
    const body = multipart(fields, files);
    return target.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, ...user.auth, ...headers } });
  };

  beforeAll(async () => {
    app = await createTestApi();
    user = await registerUser(app, 'contract');
    photo = await productPhoto(120, 90);
  });
  afterAll(async () => {
    await app.close();
  });

  it('validation, authentication and authorisation', async () => {
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/pricing/calculate`, headers: user.auth, payload: { tier: 'ultra', imageCount: 1 } }), 'post', `${RB}/pricing/calculate`, 'VALIDATION_FAILED');
    expectDocumented(await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' }), 'post', '/api/auth/login', 'BAD_REQUEST');
    expectDocumented(
      await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) }) }),
      'post',
      '/api/auth/login',
      'PAYLOAD_TOO_LARGE',
    );
    expectDocumented(await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: uniqueEmail('weak'), password: 'password123' } }), 'post', '/api/auth/register', 'WEAK_PASSWORD');
    expectDocumented(await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: user.email, password: 'another long password' } }), 'post', '/api/auth/register', 'EMAIL_TAKEN');
    expectDocumented(await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'not the password' } }), 'post', '/api/auth/login', 'INVALID_CREDENTIALS');
    expectDocumented(await app.inject({ method: 'GET', url: '/api/auth/me' }), 'get', '/api/auth/me', 'UNAUTHORIZED');
    expectDocumented(
      await app.inject({ method: 'POST', url: '/api/admin/credits/grant', headers: user.auth, payload: { email: user.email, amount: 5, reason: 'x', grantId: randomUUID() } }),
      'post',
      '/api/admin/credits/grant',
      'FORBIDDEN',
    );
    expectDocumented(await app.inject({ method: 'GET', url: `${RB}/jobs/${randomUUID()}`, headers: user.auth }), 'get', `${RB}/jobs/{id}`, 'NOT_FOUND');
  });

  it('uploads are sniffed by content', async () => {
    expectDocumented(await upload(app, `${RB}/remove`, { tier: 'basic' }, [image(pngWithDeclaredSize(100_000, 100_000))]), 'post', `${RB}/remove`, 'IMAGE_TOO_LARGE');
    expectDocumented(await upload(app, `${RB}/remove`, { tier: 'basic' }, [image(Buffer.from('plain text, not an image\n'.repeat(10)))]), 'post', `${RB}/remove`, 'UNSUPPORTED_IMAGE');
    const jpeg = await noisy('jpeg', 300, 200);
    expectDocumented(await upload(app, `${RB}/remove`, { tier: 'basic' }, [image(jpeg.subarray(0, jpeg.length / 2))]), 'post', `${RB}/remove`, 'UNDECODABLE_IMAGE');
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/remove`, headers: user.auth, payload: { tier: 'basic' } }), 'post', `${RB}/remove`, 'UNSUPPORTED_MEDIA_TYPE');
    // Nothing listens on 127.0.0.1:1: the fetch fails at once, and no packet leaves the machine.
    expectDocumented(await upload(app, `${RB}/remove`, { tier: 'basic', imageUrl: 'http://127.0.0.1:1/photo.jpg' }, []), 'post', `${RB}/remove`, 'IMAGE_FETCH_FAILED');
  });

  it('money: credits, subscriptions and idempotency keys', async () => {
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/subscription`, headers: user.auth, payload: { plan: 'pro' } }), 'post', `${RB}/subscription`, 'INSUFFICIENT_CREDITS');
    await app.get(CreditsService).grant(user.id, 1200, { referenceType: 'test_topup', referenceId: randomUUID() });
    expect((await app.inject({ method: 'POST', url: `${RB}/subscription`, headers: user.auth, payload: { plan: 'pro' } })).statusCode).toBe(201);
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/subscription`, headers: user.auth, payload: { plan: 'pro' } }), 'post', `${RB}/subscription`, 'CONFLICT');

    const key = randomUUID();
    expect((await upload(app, `${RB}/remove`, { tier: 'basic' }, [image(photo)], { 'idempotency-key': key, prefer: 'wait=0' })).statusCode).toBe(202);
    expectDocumented(await upload(app, `${RB}/remove`, { tier: 'standard' }, [image(photo)], { 'idempotency-key': key, prefer: 'wait=0' }), 'post', `${RB}/remove`, 'IDEMPOTENCY_KEY_REUSED');

    // No worker here: the first request waits for its job while the same key arrives again.
    const slowKey = randomUUID();
    const first = upload(app, `${RB}/remove`, { tier: 'basic' }, [image(photo)], { 'idempotency-key': slowKey, prefer: 'wait=3' });
    await waitFor('the first request to hold its key', () => app.get(PrismaService).idempotencyKey.findFirst({ where: { userId: user.id, key: slowKey, status: 'IN_PROGRESS' } }), 3_000, 50);
    expectDocumented(await upload(app, `${RB}/remove`, { tier: 'basic' }, [image(photo)], { 'idempotency-key': slowKey, prefer: 'wait=0' }), 'post', `${RB}/remove`, 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
    expect((await first).statusCode).toBe(202);
  });

  it('cancel: running and finished jobs, finished batches', async () => {
    // No worker here: the rows are moved to the states a worker would leave them in.
    const prisma = app.get(PrismaService);
    const job = (await upload(app, `${RB}/remove`, { tier: 'basic' }, [image(photo)], { prefer: 'wait=0' })).json<{ id: string }>();
    await prisma.backgroundRemovalJob.update({ where: { id: job.id }, data: { status: 'PROCESSING' } });
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/jobs/${job.id}/cancel`, headers: user.auth }), 'post', `${RB}/jobs/{id}/cancel`, 'JOB_ALREADY_RUNNING');
    await prisma.backgroundRemovalJob.update({ where: { id: job.id }, data: { status: 'SUCCEEDED' } });
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/jobs/${job.id}/cancel`, headers: user.auth }), 'post', `${RB}/jobs/{id}/cancel`, 'JOB_ALREADY_FINISHED');
    const batch = (await upload(app, `${RB}/batch`, { tier: 'basic' }, [image(photo, 'images')])).json<{ id: string }>();
    await prisma.backgroundRemovalJob.updateMany({ where: { batchId: batch.id }, data: { status: 'SUCCEEDED' } });
    await prisma.backgroundRemovalBatch.update({ where: { id: batch.id }, data: { status: 'COMPLETED', succeededItems: 1 } });
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/batch/${batch.id}/cancel`, headers: user.auth }), 'post', `${RB}/batch/{id}/cancel`, 'BATCH_ALREADY_FINISHED');
    expectDocumented(await app.inject({ method: 'POST', url: `${RB}/batch/${randomUUID()}/cancel`, headers: user.auth }), 'post', `${RB}/batch/{id}/cancel`, 'NOT_FOUND');
  });

  it('avatar models: tier and provider availability', async () => {
    const project = (await app.inject({ method: 'POST', url: `${AC}/projects`, headers: user.auth, payload: { name: 'Contract' } })).json<{ id: string }>();
    const generate = `${AC}/projects/{id}/avatars/generate`;
    expectDocumented(
      await app.inject({ method: 'POST', url: `${AC}/projects/${project.id}/avatars/generate`, headers: user.auth, payload: { prompt: 'a portrait', name: 'x', modelKey: 'avatar-creator:flux-dev-hd-realism' } }),
      'post',
      generate,
      'MODEL_TIER_FORBIDDEN',
    );
    await withApi({ AI_PROVIDER_MAP: 'huggingface=huggingface' }, async (keyless) => {
      const res = await keyless.inject({ method: 'POST', url: `${AC}/projects/${project.id}/avatars/generate`, headers: user.auth, payload: { prompt: 'a portrait', name: 'x' } });
      expectDocumented(res, 'post', generate, 'PROVIDER_UNAVAILABLE');
    });
    const prisma = app.get(PrismaService);
    await prisma.aiModel.updateMany({ where: { appId: 'avatar-creator' }, data: { enabled: false } });
    try {
      expectDocumented(await app.inject({ method: 'GET', url: `${AC}/models`, headers: user.auth }), 'get', `${AC}/models`, 'CATALOG_EMPTY');
    } finally {
      await prisma.aiModel.updateMany({ where: { appId: 'avatar-creator' }, data: { enabled: true } });
    }
  });

  it('limits: rate limit and upload admission', async () => {
    await withApi({ RATE_LIMIT_USER_PER_MINUTE: '1' }, async (limited) => {
      const fresh = await registerUser(limited, 'limited');
      expect((await limited.inject({ method: 'GET', url: '/api/auth/me', headers: fresh.auth })).statusCode).toBe(200);
      expectDocumented(await limited.inject({ method: 'GET', url: '/api/auth/me', headers: fresh.auth }), 'get', '/api/auth/me', 'RATE_LIMITED');
    });
    await withApi({ UPLOAD_ADMISSION_CONCURRENCY: '1', UPLOAD_ADMISSION_QUEUE: '0' }, async (busy) => {
      await busy.listen(0, '127.0.0.1');
      const port = (busy.getHttpServer().address() as AddressInfo).port;
      // One upload holds the only slot: its body never finishes arriving until we say so.
      const boundary = 'contract-boundary';
      const slow = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `${RB}/remove`, headers: { ...user.auth, 'content-type': `multipart/form-data; boundary=${boundary}` } });
      slow.on('error', () => undefined);
      slow.write(`--${boundary}\r\ncontent-disposition: form-data; name="tier"\r\n\r\nbasic\r\n`);
      await waitFor('the slow upload to hold the slot', async () => busy.get(UploadAdmissionService).stats().active === 1, 5_000, 50);
      expectDocumented(await upload(busy, `${RB}/remove`, { tier: 'basic' }, [image(photo)]), 'post', `${RB}/remove`, 'SERVER_BUSY');
      slow.destroy();
    });
  });

  it('the database: busy pool, unreachable, not migrated', async () => {
    await withApi({ DATABASE_POOL_SIZE: '1' }, async (small) => {
      // The only connection is held by a transaction: the request's own query cannot get one within the pool timeout.
      const held = small.get(PrismaService).$transaction(async (tx) => tx.$executeRaw`SELECT pg_sleep(6)`, { timeout: 20_000 });
      await waitFor('the transaction to hold the only connection', () => sleepingQueries(app.get(PrismaService)), 5_000, 50);
      expectDocumented(await small.inject({ method: 'GET', url: '/api/auth/me', headers: user.auth }), 'get', '/api/auth/me', 'DATABASE_BUSY');
      await held;
    });
    await withApi({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing_listens_here' }, async (down) => {
      expectDocumented(await down.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } }), 'post', '/api/auth/login', 'DATABASE_UNAVAILABLE');
    });
    const dbName = `lumiku_contract_empty_${process.pid}`;
    const admin = new Client({ connectionString: `${postgresBaseUrl}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    try {
      await withApi({ DATABASE_URL: `${postgresBaseUrl}/${dbName}` }, async (empty) => {
        expectDocumented(await empty.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } }), 'post', '/api/auth/login', 'SCHEMA_NOT_MIGRATED');
      });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }, 60_000);

  it('the queue: Redis unreachable', async () => {
    await withApi({ REDIS_URL: 'redis://127.0.0.1:1' }, async (noRedis) => {
      expectDocumented(await upload(noRedis, `${RB}/remove`, { tier: 'basic' }, [image(photo)], { prefer: 'wait=0' }), 'post', `${RB}/remove`, 'QUEUE_UNAVAILABLE');
    });
  });

  it('unexpected errors: the filter answers INTERNAL_ERROR in the documented shape (no route fails on purpose)', () => {
    const { body } = toErrorResponse(new TypeError("Cannot read properties of undefined (reading 'x')"), 'req-contract-1');
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
    expect(documentedCodes('post', `${RB}/remove`, 500)).toContain('INTERNAL_ERROR');
    provoked.add(body.code);
  });

  it('every error code documented in openapi.json was provoked above', () => {
    expect([...allDocumentedCodes].filter((code) => !provoked.has(code)).sort()).toEqual([]);
  });
});
