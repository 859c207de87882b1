import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '@app/prisma';
import { sharp } from '../libs/images/src/testing/test-images';
import { createTestApi, createTestWorker } from './support/app';
import { FakeHfServer } from '../libs/ai-providers/src/providers/huggingface/testing/fake-hf-server';
import { registerUser } from './support/http';
import { productPhoto, zipEntries } from './support/images';
import { multipart, MultipartFile } from './support/multipart';
import { testEnv } from './support/test-env';
import { waitFor } from './support/wait';

/**
 * The standard tier runs on Hugging Face (mapped from its catalogued ONNX provider) (an Inference Endpoint for image segmentation), here a local fake speaking
 * the real wire protocol. One item's request is answered 400 (permanent): that item fails and is refunded once.
 */
describe('Background Remover on the Hugging Face provider (fake endpoint)', () => {
  let fake: FakeHfServer;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  const env = (): Record<string, string> => ({
    // The removal tiers are catalogued on ONNX; this deployment serves them from a Hugging Face endpoint instead.
    AI_PROVIDER_MAP: 'onnx=huggingface',
    // A queue of its own, and no reconciling of other files' rows: jobs other test files left queued would otherwise
    // run here, on the fake endpoint, and consume its scripted replies.
    QUEUE_PREFIX: `${testEnv.QUEUE_PREFIX}-hf`,
    RECONCILE_GRACE_SECONDS: '3600',
    HF_TOKEN: 'hf_test_token_not_real',
    HF_BG_REMOVAL_ENDPOINT_URL: fake.url('/rmbg'),
    HF_TIMEOUT_MS: '5000',
  });

  beforeAll(async () => {
    fake = await FakeHfServer.start();
    const mask = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer();
    fake.onDefault('/rmbg', () => ({ kind: 'segments', segments: [{ label: 'foreground', mask, score: 0.99 }] }));
    app = await createTestApi(env());
    worker = await createTestWorker(env());
  });
  afterAll(async () => {
    await worker.close();
    await app.close();
    await fake.close();
  });

  it('provider 400 on one item → that item FAILED and refunded once, batch PARTIAL, ZIP has the rest', async () => {
    fake.script('/rmbg', { kind: 'error', status: 400, message: 'Input image is not supported' });
    const user = await registerUser(app, 'hf');
    const files: MultipartFile[] = [];
    for (let i = 0; i < 5; i++) files.push({ field: 'images', filename: `hf-${i}.jpg`, data: await productPhoto(120, 90) });
    const body = multipart({ tier: 'standard' }, files);
    const res = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
    expect(res.statusCode, res.body).toBe(202);
    const batchId = res.json<{ id: string }>().id;

    type Batch = { status: string; succeededItems: number; failedItems: number; creditCharged: number; creditRefunded: number; items: { status: string; errorCode: string | null }[] };
    const batch = await waitFor('the batch to finish', async () => {
      const current = (await app.inject({ method: 'GET', url: `/api/background-remover/batch/${batchId}`, headers: user.auth })).json<Batch>();
      return ['COMPLETED', 'PARTIAL', 'FAILED'].includes(current.status) ? current : undefined;
    }, 30_000, 200);

    expect(batch).toMatchObject({ status: 'PARTIAL', succeededItems: 4, failedItems: 1, creditCharged: 40, creditRefunded: 8 });
    expect(batch.items.filter((i) => i.status === 'FAILED')).toMatchObject([{ errorCode: 'PROVIDER_ERROR' }]);
    expect(fake.requestsTo('/rmbg')).toHaveLength(5); // the 400 was not retried
    expect(fake.requestsTo('/rmbg')[0]!.headers.authorization).toBe('Bearer hf_test_token_not_real');

    const zip = await app.inject({ method: 'GET', url: `/api/background-remover/batch/${batchId}/download`, headers: user.auth });
    expect(zipEntries(zip.rawPayload)).toHaveLength(4);
    const prisma = app.get(PrismaService);
    const refunds = await prisma.creditTransaction.findMany({ where: { userId: user.id, kind: 'REFUND' } });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount).toBe(8);
    const balance = (await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).creditBalance;
    expect(balance).toBe(100 - 40 + 8);
  });

  it('503 "model loading" is waited out and the job still succeeds', async () => {
    fake.script('/rmbg', { kind: 'loading', estimatedTimeSeconds: 0.3 });
    const user = await registerUser(app, 'hfload');
    const body = multipart({ tier: 'standard' }, [{ field: 'image', filename: 'x.jpg', data: await productPhoto(120, 90) }]);
    const res = await app.inject({ method: 'POST', url: '/api/background-remover/remove', payload: body.payload, headers: { ...body.headers, ...user.auth, prefer: 'wait=20' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'SUCCEEDED', creditCharged: 8 });
  });
});
