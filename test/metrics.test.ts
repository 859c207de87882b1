import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { LumikuMetrics } from '@app/metrics';
import { PrismaService } from '@app/prisma';
import { StorageService } from '@app/storage';
import { WorkerMetricsServer } from '../apps/worker/src/metrics/worker-metrics.server';
import { createTestApi, createTestWorker } from './support/app';
import { testEnv } from './support/test-env';
import { waitFor } from './support/wait';
import { expectError, RegisteredUser, registerUser } from './support/http';
import { productPhoto } from './support/images';
import { multipart } from './support/multipart';

const METRICS_TOKEN = 'metrics-test-token-0123456789';
// Its own queues: counts of jobs run must not include other files' leftovers, nor lose its jobs to their workers. The
// database is shared with them, so its worker's reconciler must not adopt their unfinished rows either (long grace).
const metricsEnv = { METRICS_TOKEN, QUEUE_PREFIX: `${testEnv.QUEUE_PREFIX}-metrics`, RECONCILE_GRACE_SECONDS: '3600' };

/**
 * Sum of the samples of `name` whose labels include `labels` (Prometheus text format). 0 when there is none, so
 * deltas work from a fresh registry.
 */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

describe('Prometheus metrics (API /api/metrics and the worker /metrics, real PostgreSQL, Redis and worker)', () => {
  let app: NestFastifyApplication;
  let worker: INestApplicationContext | undefined;
  let prisma: PrismaService;
  let user: RegisteredUser;

  beforeAll(async () => {
    app = await createTestApi(metricsEnv);
    prisma = app.get(PrismaService);
    user = await registerUser(app, 'metrics');
  });
  afterAll(async () => {
    await worker?.close();
    await app.close();
  });

  const apiMetrics = async () => {
    const res = await app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };
  const workerMetricsUrl = () => {
    const address = worker!.get(WorkerMetricsServer).address();
    expect(address, 'the worker metrics server listens').toBeDefined();
    return `http://127.0.0.1:${address!.port}/metrics`;
  };
  const workerMetrics = async () => {
    const res = await fetch(workerMetricsUrl(), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const removal = (wait: number) => {
    const body = multipart({ tier: 'basic' }, [{ field: 'image', filename: 'photo.jpg', contentType: 'image/jpeg', data: photo }]);
    return app.inject({
      method: 'POST',
      url: '/api/background-remover/remove',
      payload: body.payload,
      headers: { ...body.headers, ...user.auth, prefer: `wait=${wait}` },
    });
  };
  let photo: Buffer;

  it('GET /api/metrics: 401 without a bearer token, 403 with another one, 200 Prometheus text with METRICS_TOKEN', async () => {
    expectError(await app.inject({ method: 'GET', url: '/api/metrics' }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: 'Bearer not-the-metrics-token' } }), 403, 'FORBIDDEN');
    // A user's JWT is not the metrics token either.
    expectError(await app.inject({ method: 'GET', url: '/api/metrics', headers: user.auth }), 403, 'FORBIDDEN');

    const res = await app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE lumiku_http_request_duration_seconds histogram');
    expect(res.body).toContain('process_cpu_seconds_total');
  });

  it('production without METRICS_TOKEN: /api/metrics is 404 and no worker server starts', async () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), WEBHOOK_SIGNING_SECRET: 'w'.repeat(32), LOG_LEVEL: 'silent' };
    const api = await createTestApi(prod);
    try {
      expectError(await api.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } }), 404, 'ROUTE_NOT_FOUND');
    } finally {
      await api.close();
    }
    const prodWorker = await createTestWorker({ ...prod, WORKER_METRICS_PORT: '0' });
    try {
      expect(prodWorker.get(WorkerMetricsServer).address()).toBeUndefined();
    } finally {
      await prodWorker.close();
    }
  });

  it('queue depth, readiness and HTTP durations by route template', async () => {
    // No worker yet: a queued removal is waiting, and readiness reports the missing consumer.
    photo = await productPhoto(160, 120);
    const queued = await removal(0);
    expect(queued.statusCode, queued.body).toBe(202);
    const jobId = queued.json<{ id: string }>().id;
    const job = await app.inject({ method: 'GET', url: `/api/background-remover/jobs/${jobId}`, headers: user.auth });
    expect(job.statusCode).toBe(200);

    // Queue counts are cached for a second per scrape: wait for the one that sees the new job.
    const text = await waitFor('the queued removal in lumiku_queue_jobs', async () => {
      const scraped = await apiMetrics();
      return sample(scraped, 'lumiku_queue_jobs', { queue: 'background-removal', state: 'waiting' }) >= 1 ? scraped : undefined;
    }, 5_000);
    expect(sample(text, 'lumiku_queue_oldest_waiting_job_age_seconds', { queue: 'background-removal' })).toBeGreaterThan(0);
    for (const state of ['active', 'delayed', 'failed']) expect(text).toContain(`lumiku_queue_jobs{queue="maintenance",state="${state}"}`);
    expect(sample(text, 'lumiku_ready')).toBe(0);
    expect(sample(text, 'lumiku_readiness_check', { check: 'workers' })).toBe(0);
    expect(sample(text, 'lumiku_readiness_check', { check: 'database' })).toBe(1);

    const byTemplate = { route: '/api/background-remover/jobs/:id', method: 'GET', status_code: '200' };
    expect(sample(text, 'lumiku_http_request_duration_seconds_count', byTemplate)).toBe(1);
    expect(sample(text, 'lumiku_http_request_duration_seconds_count', { route: '/api/background-remover/remove', method: 'POST', status_code: '202' })).toBe(1);
    expect(sample(text, 'lumiku_http_request_duration_seconds_count', { route: '/api/metrics', status_code: '401' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(jobId); // never the raw URL

    const unknown = await app.inject({ method: 'GET', url: `/api/no-such-route/${jobId}` });
    expect(unknown.statusCode).toBe(404);
    expect(sample(await apiMetrics(), 'lumiku_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(1);
  });

  it('a paid removal: credits charged in the API; job duration (succeeded) and provider latency in the worker', async () => {
    const before = await apiMetrics();
    const res = await removal(0);
    expect(res.statusCode, res.body).toBe(202);
    const charged = sample(await apiMetrics(), 'lumiku_credits_charged_total', { reference_type: 'bg_removal_job' });
    expect(charged - sample(before, 'lumiku_credits_charged_total', { reference_type: 'bg_removal_job' })).toBe(3);

    // Break the first queued removal's input before any worker runs: it fails for good (no retry) and is refunded.
    const broken = await prisma.backgroundRemovalJob.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: 'asc' } });
    await app.get(StorageService).delete('private', broken.inputKey);

    worker = await createTestWorker({ ...metricsEnv, WORKER_METRICS_PORT: '0' });
    const unauthenticated = await fetch(workerMetricsUrl());
    expect(unauthenticated.status).toBe(401);
    expect((await fetch(workerMetricsUrl(), { headers: { authorization: 'Bearer nope' } })).status).toBe(403);

    const done = await waitForJobs(2);
    expect(done.map((j) => j.status).sort()).toEqual(['FAILED', 'SUCCEEDED']);
    const succeeded = done.find((j) => j.status === 'SUCCEEDED')!;

    const text = await waitForWorkerSample('lumiku_job_duration_seconds_count', { queue: 'background-removal', job: 'remove-background', outcome: 'failed' });
    expect(sample(text, 'lumiku_job_duration_seconds_count', { queue: 'background-removal', job: 'remove-background', outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'lumiku_job_duration_seconds_count', { queue: 'background-removal', job: 'remove-background', outcome: 'failed' })).toBe(1);
    expect(sample(text, 'lumiku_job_duration_seconds_sum', { queue: 'background-removal', outcome: 'succeeded' })).toBeGreaterThan(0);
    // The failed job never reached the provider; the succeeded one did, on the provider and model that served it.
    expect(sample(text, 'lumiku_provider_request_duration_seconds_count', { provider: succeeded.provider!, model: succeeded.modelKey })).toBe(1);
    expect(sample(text, 'lumiku_provider_errors_total')).toBe(0);
    expect(sample(text, 'lumiku_credits_refunded_total', { reference_type: 'bg_removal_job' })).toBe(3);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('credits are counted once a movement commits, never for a rolled-back one', async () => {
    const credits = app.get(CreditsService);
    const counted = app.get(LumikuMetrics).creditsCharged;
    const charged = async () => (await counted.get()).values.find((v) => v.labels.reference_type === 'metrics_test')?.value ?? 0;
    const ref = () => ({ referenceType: 'metrics_test', referenceId: randomUUID() });

    await expect(
      prisma.$transaction(async (tx) => {
        await credits.charge(user.id, 2, ref(), tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await charged()).toBe(0);

    let insideTransaction = -1;
    await prisma.$transaction(async (tx) => {
      await credits.charge(user.id, 2, ref(), tx);
      insideTransaction = await charged();
    });
    expect(insideTransaction).toBe(0);
    expect(await charged()).toBe(2);
    await credits.charge(user.id, 1, ref()); // outside a transaction: counted at once
    expect(await charged()).toBe(3);
  });

  async function waitForJobs(count: number) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await prisma.backgroundRemovalJob.findMany({ where: { userId: user.id, status: { in: ['SUCCEEDED', 'FAILED'] } } });
      if (rows.length >= count) return rows;
      if (Date.now() > deadline) throw new Error(`only ${rows.length} of ${count} removals settled`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The worker records a run after its handler returns, a moment after the row settles. */
  async function waitForWorkerSample(name: string, labels: Record<string, string>): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = await workerMetrics();
      if (sample(text, name, labels) > 0 || Date.now() > deadline) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
