import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { JobProducer, QueueName } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { GenerateAvatarJob } from '@app/avatar-creator';
import { sharp } from '../libs/images/src/testing/test-images';
import { createTestApi, createTestWorker } from './support/app';
import { FakeHfServer } from '../libs/ai-providers/src/providers/huggingface/testing/fake-hf-server';
import { expectError, RegisteredUser, registerUser } from './support/http';
import { waitFor } from './support/wait';

interface Generation {
  id: string;
  status: string;
  provider: string | null;
  outputUrl: string | null;
  avatarId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
}

const BASE = '/api/apps/avatar-creator';
const FLUX_PATH = '/flux';

/**
 * The catalogue's avatar models run on the `huggingface` provider here (AI_PROVIDER_MAP), pointed at a local fake
 * Hugging Face endpoint (HF_ENDPOINT_URL): the failure paths of the real provider, end to end through the worker.
 */
describe('Avatar Creator with the Hugging Face provider (fake endpoint)', () => {
  let fake: FakeHfServer;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let credits: CreditsService;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await FakeHfServer.start();
    env = {
      AI_PROVIDER_MAP: 'huggingface=huggingface',
      HF_ENDPOINT_URL: fake.url(FLUX_PATH),
      HF_TOKEN: 'hf_fake_token_for_tests',
      HF_MAX_ATTEMPTS: '2',
      HF_TIMEOUT_MS: '10000',
      // The reconciler must not re-enqueue the rows the direct handler test drives by hand.
      RECONCILE_GRACE_SECONDS: '600',
      RATE_LIMIT_AUTH_PER_MINUTE: '10000',
    };
    app = await createTestApi(env);
    worker = await createTestWorker(env);
    prisma = app.get(PrismaService);
    credits = app.get(CreditsService);
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await fake?.close();
  });

  async function projectOf(user: RegisteredUser): Promise<string> {
    const res = await app.inject({ method: 'POST', url: `${BASE}/projects`, headers: user.auth, payload: { name: 'HF' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  }
  async function generate(user: RegisteredUser, projectId: string): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: `${BASE}/projects/${projectId}/avatars/generate`,
      headers: user.auth,
      payload: { prompt: 'studio portrait', name: 'Ada', width: 256, height: 256, seed: 1234 },
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<{ generation: { id: string } }>().generation.id;
  }
  function waitForGeneration(user: RegisteredUser, id: string, timeoutMs = 30_000): Promise<Generation> {
    return waitFor(`generation ${id} to settle`, async () => {
      const g = (await app.inject({ method: 'GET', url: `${BASE}/generations/${id}`, headers: user.auth })).json<Generation>();
      return g.status === 'SUCCEEDED' || g.status === 'FAILED' ? g : undefined;
    }, timeoutMs, 150);
  }
  const refunds = (id: string) => prisma.creditTransaction.count({ where: { referenceType: 'avatar_generation', referenceId: id, kind: 'REFUND' } });

  it('503 "model loading" is waited out (estimated_time), then the generation SUCCEEDS', async () => {
    fake.script(FLUX_PATH, { kind: 'loading', estimatedTimeSeconds: 1 }, { kind: 'image' });
    const user = await registerUser(app, 'hf-loading');
    const id = await generate(user, await projectOf(user));

    const done = await waitForGeneration(user, id);
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'SUCCEEDED', provider: 'huggingface', errorCode: null, attempts: 1 });
    const calls = fake.requestsTo(FLUX_PATH);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(calls[0]!.headers.authorization).toBe('Bearer hf_fake_token_for_tests');
    expect(calls[0]!.json).toMatchObject({
      inputs: 'studio portrait',
      parameters: { width: 256, height: 256, seed: 1234, num_inference_steps: 28, guidance_scale: 3.5 },
    });

    const image = await app.inject({ method: 'GET', url: done.outputUrl! });
    expect(image.statusCode).toBe(200);
    expect(await sharp(image.rawPayload).metadata()).toMatchObject({ format: 'png', width: 256, height: 256 });
    expect(done.avatarId).toBeTruthy();
    expect(await credits.getBalance(user.id)).toBe(92);
    expect(await prisma.aiUsageLog.findFirst({ where: { referenceId: id } })).toMatchObject({ provider: 'huggingface', status: 'SUCCEEDED', creditUsed: 8 });
  });

  it('a permanent 400 fails at once (no retry): FAILED with its code, refunded exactly once, usage logged', async () => {
    fake.script(FLUX_PATH, { kind: 'error', status: 400, message: 'Input validation error: prompt is not allowed' });
    const user = await registerUser(app, 'hf-400');
    const id = await generate(user, await projectOf(user));

    const done = await waitForGeneration(user, id);
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'FAILED', errorCode: 'PROVIDER_ERROR', outputUrl: null, avatarId: null });
    expect(done.errorMessage).toMatch(/400|validation/i);
    expect(fake.requestsTo(FLUX_PATH)).toHaveLength(1);

    // Once its job has finished nothing runs it again: nothing settles or refunds a second time.
    await waitFor('the job to finish', async () => (await app.get(JobProducer).queue(QueueName.AvatarGeneration).getJobState(id)) === 'completed', 10_000, 100);
    expect(await refunds(id)).toBe(1);
    expect(await credits.getBalance(user.id)).toBe(100);
    const ledger = await prisma.creditTransaction.aggregate({ where: { userId: user.id }, _sum: { amount: true } });
    expect(ledger._sum.amount).toBe(100);
    expect(await prisma.aiUsageLog.findMany({ where: { referenceId: id } })).toEqual([
      expect.objectContaining({ provider: 'huggingface', status: 'FAILED', errorCode: 'PROVIDER_ERROR', creditUsed: 0 }),
    ]);
    expect(await prisma.avatar.count({ where: { userId: user.id } })).toBe(0);
  });

  it('transient failures are rethrown for BullMQ to retry while attempts remain; the last attempt fails and refunds once', async () => {
    const user = await registerUser(app, 'hf-5xx');
    const projectId = await projectOf(user);
    const id = randomUUID();
    // A committed, charged row driven by hand (not enqueued), so the attempts can be stepped through.
    await prisma.$transaction(async (tx) => {
      await tx.avatarGeneration.create({
        data: { id, userId: user.id, projectId, modelKey: 'avatar-creator:flux-dev-base', name: 'x', prompt: 'a portrait', params: { width: 256, height: 256, seed: 1 }, creditCharged: 8 },
      });
      await credits.charge(user.id, 8, { referenceType: 'avatar_generation', referenceId: id }, tx);
    });
    const handler = worker.get(GenerateAvatarJob);
    const job = (attemptsMade: number) => ({ attemptsMade, opts: { attempts: 5 } }) as unknown as Job;

    fake.onDefault(FLUX_PATH, () => ({ kind: 'error', status: 502, message: 'Bad gateway' }));
    await expect(handler.handle({ generationId: id }, job(0))).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', transient: true });
    expect(await prisma.avatarGeneration.findUnique({ where: { id } })).toMatchObject({ status: 'PROCESSING', attempts: 1 });
    expect(await refunds(id)).toBe(0);

    await expect(handler.handle({ generationId: id }, job(4))).resolves.toBe('failed');
    expect(await prisma.avatarGeneration.findUnique({ where: { id } })).toMatchObject({ status: 'FAILED', errorCode: 'PROVIDER_UNAVAILABLE', attempts: 2 });
    // A stalled copy of the job running again settles nothing.
    await expect(handler.handle({ generationId: id }, job(4))).resolves.toBe('already-settled');
    expect(await refunds(id)).toBe(1);
    expect(await credits.getBalance(user.id)).toBe(100);
  });

  it('/models says who serves each model; without HF_TOKEN generate is refused with 503 before anything is charged', async () => {
    const user = await registerUser(app, 'hf-models');
    const models = (await app.inject({ method: 'GET', url: `${BASE}/models`, headers: user.auth })).json<{ models: { servedBy: unknown }[] }>().models;
    expect(models).toEqual([expect.objectContaining({ servedBy: { providerId: 'huggingface', available: true, substitute: false } })]);

    const keyless = await createTestApi({ ...env, HF_TOKEN: '' });
    try {
      const listed = (await keyless.inject({ method: 'GET', url: `${BASE}/models`, headers: user.auth })).json<{ models: { servedBy: unknown }[] }>();
      expect(listed.models).toEqual([expect.objectContaining({ servedBy: { providerId: 'huggingface', available: false, substitute: false } })]);
      const projectId = await projectOf(user);
      const res = await keyless.inject({
        method: 'POST',
        url: `${BASE}/projects/${projectId}/avatars/generate`,
        headers: user.auth,
        payload: { prompt: 'studio portrait', name: 'Ada' },
      });
      expectError(res, 503, 'PROVIDER_UNAVAILABLE');
      expect(await credits.getBalance(user.id)).toBe(100);
      expect(await prisma.avatarGeneration.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      await keyless.close();
    }
  });
});
