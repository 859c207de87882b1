import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_QUEUES, JobProducer } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { StorageService } from '@app/storage';
import { S3TestServer, startS3TestServer } from '../libs/storage/src/testing/s3-test-server';
import { createTestApi } from './support/app';
import { RegisteredUser, registerUser } from './support/http';
import { imageInfo, productPhoto, zipEntries } from './support/images';
import { multipart, MultipartFile } from './support/multipart';
import { testEnv } from './support/test-env';

const WORKER_MAIN = resolve(__dirname, '../dist/apps/worker/src/main.js');
/** Our own queues: only the separate worker process below can take these jobs. */
const QUEUE_PREFIX = `${testEnv.QUEUE_PREFIX}-nsd`;

interface Job {
  id: string;
  status: string;
  outputUrl: string | null;
  thumbnailUrl: string | null;
}
interface Batch {
  id: string;
  status: string;
  succeededItems: number;
  zipUrl: string | null;
  items?: Job[];
}
interface Generation {
  id: string;
  status: string;
  outputUrl: string | null;
  thumbnailUrl: string | null;
  avatarId: string | null;
}

/** Every regular file under `dir` (relative paths), hidden ones included. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The multi-host topology on one machine: the API (in-process) and a worker (a separate process from dist/) each
 * get their own empty STORAGE_ROOT and share only PostgreSQL, Redis and an S3 server. Every flow must work and
 * every URL the API returns must download through the API's /storage/…, while both local directories stay empty.
 */
describe('no shared disk: API and worker share only PostgreSQL, Redis and S3', () => {
  let s3: S3TestServer;
  let apiRoot: string;
  let workerRoot: string;
  let app: NestFastifyApplication;
  let storage: StorageService;
  let worker: ChildProcess | undefined;
  let workerLog = '';
  const log = () => `--- worker output (last 4 KB) ---\n${workerLog.slice(-4096)}`;

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run \`npx nest build api\` first`);
    s3 = await startS3TestServer(['lumiku']);
    apiRoot = await mkdtemp(join(tmpdir(), 'nsd-api-'));
    workerRoot = await mkdtemp(join(tmpdir(), 'nsd-worker-'));

    app = await createTestApi(s3.env({ STORAGE_ROOT: apiRoot, QUEUE_PREFIX }));
    storage = app.get(StorageService);

    worker = spawn(process.execPath, [WORKER_MAIN], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...testEnv, ...s3.env({ STORAGE_ROOT: workerRoot, QUEUE_PREFIX, LOG_LEVEL: 'info' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => (workerLog = (workerLog + chunk.toString()).slice(-65536));
    worker.stdout?.on('data', collect);
    worker.stderr?.on('data', collect);

    const producer = app.get(JobProducer);
    await until(
      'the worker process to consume every queue',
      async () => {
        if (worker?.exitCode !== null) throw new Error(`worker exited with ${worker?.exitCode}\n${log()}`);
        const counts = await Promise.all(ALL_QUEUES.map((q) => producer.queue(q).getWorkersCount()));
        return counts.every((n) => n > 0) ? true : undefined;
      },
      45_000,
      log,
    );
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((done) => worker!.once('exit', done));
      worker.kill('SIGTERM');
      await exited;
    }
    await app?.close();
    await s3?.close();
    const redis = new Redis(testEnv.REDIS_URL!);
    const keys = await redis.keys(`${QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    for (const dir of [apiRoot, workerRoot]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Downloads a URL the API returned, through the API. */
  async function download(url: string | null | undefined): Promise<Buffer> {
    expect(url, 'the API returned a URL').toMatch(/^\/storage\/.+/);
    const res = await app.inject({ method: 'GET', url: url! });
    expect(res.statusCode, `${url}\n${log()}`).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    return res.rawPayload;
  }

  const image = (data: Buffer, field = 'image', filename = 'photo.jpg'): MultipartFile => ({ field, filename, contentType: 'image/jpeg', data });

  it('single removal: the API stores the input in S3, the worker reads it there and writes outputs the API serves', async () => {
    const user = await registerUser(app, 'nsd-single');
    const body = multipart({ tier: 'basic' }, [image(await productPhoto(320, 240))]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/background-remover/remove',
      payload: body.payload,
      headers: { ...body.headers, ...user.auth, prefer: 'wait=20' },
    });
    expect(res.statusCode, `${res.body}\n${log()}`).toBe(200);
    const job = res.json<Job>();
    expect(job.status).toBe('SUCCEEDED');
    expect(await imageInfo(await download(job.outputUrl))).toMatchObject({ format: 'png', width: 320, height: 240, hasAlpha: true });
    expect((await imageInfo(await download(job.thumbnailUrl))).format).toBe('webp');

    const row = await app.get(PrismaService).backgroundRemovalJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(await storage.exists('private', row.inputKey)).toBe(true);
  });

  it('batch: items processed by the worker, the ZIP streamed into S3, downloadable both ways', async () => {
    const user: RegisteredUser = await registerUser(app, 'nsd-batch');
    const files: MultipartFile[] = [];
    for (let i = 0; i < 3; i++) files.push(image(await productPhoto(96 + i * 8, 72), 'images', `item-${i}.jpg`));
    const body = multipart({ tier: 'basic' }, files);
    const res = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
    expect(res.statusCode, res.body).toBe(202);

    const done = await until(
      'the batch to finish',
      async () => {
        const b = (await app.inject({ method: 'GET', url: `/api/background-remover/batch/${res.json<Batch>().id}`, headers: user.auth })).json<Batch>();
        return ['COMPLETED', 'PARTIAL', 'FAILED'].includes(b.status) ? b : undefined;
      },
      60_000,
      log,
    );
    expect(done).toMatchObject({ status: 'COMPLETED', succeededItems: 3 });
    for (const item of done.items ?? []) {
      expect((await imageInfo(await download(item.outputUrl))).format).toBe('png');
      await download(item.thumbnailUrl);
    }

    const viaEndpoint = await app.inject({ method: 'GET', url: `/api/background-remover/batch/${done.id}/download`, headers: user.auth });
    expect(viaEndpoint.statusCode).toBe(200);
    expect(viaEndpoint.headers['content-type']).toBe('application/zip');
    expect(zipEntries(viaEndpoint.rawPayload)).toHaveLength(3);
    const viaStorage = await download(done.zipUrl);
    expect(viaStorage.equals(viaEndpoint.rawPayload)).toBe(true);
  });

  it('avatar generation: made by the worker, served by the API', async (ctx) => {
    const user = await registerUser(app, 'nsd-avatar');
    const created = await app.inject({ method: 'POST', url: '/api/apps/avatar-creator/projects', payload: { name: 'No shared disk' }, headers: user.auth });
    if (created.statusCode === 404) return ctx.skip(); // Avatar Creator not in this build
    expect(created.statusCode, created.body).toBe(201);
    const projectId = created.json<{ id: string }>().id;
    const accepted = await app.inject({
      method: 'POST',
      url: `/api/apps/avatar-creator/projects/${projectId}/avatars/generate`,
      payload: { prompt: 'friendly portrait, soft light', name: 'Ada', width: 256, height: 256 },
      headers: user.auth,
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const id = accepted.json<{ generation: Generation }>().generation.id;

    const generation = await until(
      'the generation to finish',
      async () => {
        const g = (await app.inject({ method: 'GET', url: `/api/apps/avatar-creator/generations/${id}`, headers: user.auth })).json<Generation>();
        return g.status === 'SUCCEEDED' || g.status === 'FAILED' ? g : undefined;
      },
      60_000,
      log,
    );
    expect(generation.status, log()).toBe('SUCCEEDED');
    expect((await imageInfo(await download(generation.outputUrl))).format).toBe('png');
    await download(generation.thumbnailUrl);
    const avatar = await app.inject({ method: 'GET', url: `/api/apps/avatar-creator/avatars/${generation.avatarId}`, headers: user.auth });
    expect(avatar.statusCode, avatar.body).toBe(200);
    const { imageUrl, thumbnailUrl } = avatar.json<{ imageUrl: string; thumbnailUrl: string }>();
    await download(imageUrl);
    await download(thumbnailUrl);
  });

  it('nothing was written to either process’s local disk', async () => {
    expect(await filesUnder(apiRoot)).toEqual([]);
    expect(await filesUnder(workerRoot)).toEqual([]);
    expect(await filesUnder(s3.directory)).not.toEqual([]); // …everything went to the object store
  });
});
