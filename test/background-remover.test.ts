import { createHmac, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionQuotaService } from '@app/background-remover';
import { CreditsService } from '@app/credits';
import { PrismaService } from '@app/prisma';
import { StorageService } from '@app/storage';
import { createTestApi, createTestWorker, testConfig } from './support/app';
import { expectError, RegisteredUser, registerUser } from './support/http';
import { imageInfo, productPhoto, zipEntries } from './support/images';
import { multipart, MultipartFile } from './support/multipart';
import { waitFor } from './support/wait';

interface Job {
  id: string;
  status: string;
  originalFilename: string | null;
  outputUrl: string | null;
  thumbnailUrl: string | null;
  creditCharged: number;
  paidWith: string;
  errorCode: string | null;
}
interface Batch {
  id: string;
  status: string;
  totalItems: number;
  succeededItems: number;
  failedItems: number;
  creditCharged: number;
  creditRefunded: number;
  zipUrl: string | null;
  items?: Job[];
}

const image = (data: Buffer, name = 'photo.jpg'): MultipartFile => ({ field: 'image', filename: name, contentType: 'image/jpeg', data });

/** Files (not directories) in a user's private Background Remover storage. */
async function storedFiles(userId: string): Promise<string[]> {
  const entries = await readdir(join(testConfig().STORAGE_ROOT, 'private', 'background-remover', userId), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('Background Remover (API + worker, real PostgreSQL and Redis)', () => {
  let app: NestFastifyApplication;
  let worker: INestApplicationContext | undefined;
  let prisma: PrismaService;
  let credits: CreditsService;
  let photo: Buffer;

  beforeAll(async () => {
    app = await createTestApi();
    prisma = app.get(PrismaService);
    credits = app.get(CreditsService);
    photo = await productPhoto(480, 360);
  });
  afterAll(async () => {
    await worker?.close();
    await app.close();
  });

  const startWorker = async () => {
    worker ??= await createTestWorker();
  };
  const stopWorker = async () => {
    await worker?.close();
    worker = undefined;
  };

  async function remove(user: RegisteredUser, files: MultipartFile[], fields: Record<string, string> = { tier: 'basic' }, headers: Record<string, string> = {}, query = '') {
    const body = multipart(fields, files);
    return app.inject({ method: 'POST', url: `/api/background-remover/remove${query}`, payload: body.payload, headers: { ...body.headers, ...user.auth, ...headers } });
  }
  async function batch(user: RegisteredUser, count: number, extra: MultipartFile[] = [], fields: Record<string, string> = { tier: 'basic' }) {
    const files: MultipartFile[] = [];
    for (let i = 0; i < count; i++) files.push({ field: 'images', filename: `item-${i}.jpg`, contentType: 'image/jpeg', data: await productPhoto(96 + i, 72) });
    const body = multipart(fields, [...files, ...extra]);
    return app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
  }
  function waitForBatch(user: RegisteredUser, id: string, timeoutMs = 60_000): Promise<Batch> {
    return waitFor(`batch ${id} to finish`, async () => {
      const b = (await app.inject({ method: 'GET', url: `/api/background-remover/batch/${id}`, headers: user.auth })).json<Batch>();
      return ['COMPLETED', 'PARTIAL', 'FAILED'].includes(b.status) ? b : undefined;
    }, timeoutMs, 200);
  }
  async function ledger(userId: string) {
    const rows = await prisma.creditTransaction.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(user.creditBalance); // the invariant, every time
    return rows;
  }
  const download = (url: string) => app.inject({ method: 'GET', url });

  it('GET /pricing lists the seeded tiers, discounts and plans (public)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/background-remover/pricing' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ tiers: { tier: string; credits: number }[]; volumeDiscounts: unknown[]; subscriptionPlans: unknown[] }>();
    expect(body.tiers.map((t) => [t.tier, t.credits])).toEqual([['basic', 3], ['standard', 8], ['professional', 15], ['industry', 25]]);
    expect(body.volumeDiscounts.length).toBeGreaterThan(1);
    expect(body.subscriptionPlans.length).toBeGreaterThan(0);
  });

  it('a new user: stats are zeros, subscription is null, lists are empty', async () => {
    const user = await registerUser(app, 'fresh');
    const stats = await app.inject({ method: 'GET', url: '/api/background-remover/stats', headers: user.auth });
    expect(stats.json()).toEqual({ imagesProcessed: 0, imagesFailed: 0, imagesPending: 0, batches: 0, creditsSpent: 0, byTier: [] });
    expect((await app.inject({ method: 'GET', url: '/api/background-remover/subscription', headers: user.auth })).json()).toEqual({ subscription: null });
    expect((await app.inject({ method: 'GET', url: '/api/background-remover/jobs', headers: user.auth })).json()).toEqual({ items: [], nextCursor: null });
    expect((await app.inject({ method: 'GET', url: '/api/background-remover/batches', headers: user.auth })).json()).toEqual({ items: [], nextCursor: null });
  });

  it('POST /remove on a photo → 200 with a PNG cut-out of the original size, thumbnail, one CHARGE of the tier price', async () => {
    await startWorker();
    const user = await registerUser(app, 'single');
    const res = await remove(user, [image(photo)], { tier: 'basic' }, { prefer: 'wait=20' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-credits-charged']).toBe('3');
    expect(res.headers['x-credits-remaining']).toBe('97');
    const job = res.json<Job>();
    expect(job).toMatchObject({ status: 'SUCCEEDED', creditCharged: 3, paidWith: 'CREDITS', errorCode: null });

    const output = await download(job.outputUrl!);
    expect(output.statusCode).toBe(200);
    expect(await imageInfo(output.rawPayload)).toMatchObject({ format: 'png', width: 480, height: 360, channels: 4, hasAlpha: true });
    const thumb = await download(job.thumbnailUrl!);
    expect(thumb.statusCode).toBe(200);
    expect((await imageInfo(thumb.rawPayload)).format).toBe('webp');

    const rows = await ledger(user.id);
    expect(rows.filter((r) => r.kind === 'CHARGE')).toMatchObject([{ amount: -3, referenceType: 'bg_removal_job', referenceId: job.id }]);
    const again = await app.inject({ method: 'GET', url: `/api/background-remover/jobs/${job.id}`, headers: user.auth });
    expect(again.json()).toMatchObject({ id: job.id, status: 'SUCCEEDED' });
  });

  it('options: webp output, background colour, mask only, crop; test mode is free, small and watermarked', async () => {
    await startWorker();
    const user = await registerUser(app, 'options');
    const webp = (await remove(user, [image(photo)], { tier: 'basic', format: 'webp', crop: 'true', cropMargin: '4' }, { prefer: 'wait=20' })).json<Job>();
    const webpInfo = await imageInfo((await download(webp.outputUrl!)).rawPayload);
    expect(webpInfo.format).toBe('webp');
    expect(webpInfo.width!).toBeLessThan(480); // cropped to the subject

    const flat = (await remove(user, [image(photo)], { tier: 'basic', bgColor: '#00ff00' }, { prefer: 'wait=20' })).json<Job>();
    expect((await imageInfo((await download(flat.outputUrl!)).rawPayload)).hasAlpha).toBe(false);

    const mask = (await remove(user, [image(photo)], { tier: 'basic', maskOnly: 'true' }, { prefer: 'wait=20' })).json<Job>();
    expect((await imageInfo((await download(mask.outputUrl!)).rawPayload)).channels).toBe(1);

    const before = await credits.getBalance(user.id);
    const big = await productPhoto(1600, 1200);
    const test = await remove(user, [image(big)], { tier: 'industry' }, { prefer: 'wait=20' }, '?test=true');
    expect(test.statusCode).toBe(200);
    const testJob = test.json<Job>();
    expect(testJob).toMatchObject({ paidWith: 'TEST', creditCharged: 0, status: 'SUCCEEDED' });
    const testInfo = await imageInfo((await download(testJob.outputUrl!)).rawPayload);
    expect(Math.max(testInfo.width!, testInfo.height!)).toBeLessThanOrEqual(512);
    expect(await credits.getBalance(user.id)).toBe(before);
    await ledger(user.id);
  });

  it('bad input → clear 4xx, nothing charged, no job row', async () => {
    const user = await registerUser(app, 'bad');
    const truncated = photo.subarray(0, Math.floor(photo.length / 2));
    const cases: [MultipartFile[], Record<string, string>, number, string][] = [
      [[image(truncated)], { tier: 'basic' }, 422, 'UNDECODABLE_IMAGE'],
      [[image(Buffer.from('just text, named .png'), 'x.png')], { tier: 'basic' }, 415, 'UNSUPPORTED_IMAGE'],
      [[image(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg')], { tier: 'basic' }, 415, 'UNSUPPORTED_IMAGE'],
      [[image(Buffer.alloc(0))], { tier: 'basic' }, 415, 'UNSUPPORTED_IMAGE'],
      [[image(photo)], { tier: 'platinum' }, 400, 'VALIDATION_FAILED'],
      [[image(photo)], {}, 400, 'VALIDATION_FAILED'],
      [[image(photo)], { tier: 'basic', bgColor: 'red; DROP TABLE users' }, 400, 'VALIDATION_FAILED'],
      [[{ ...image(photo), field: 'file' }], { tier: 'basic' }, 400, 'VALIDATION_FAILED'],
      [[image(photo), image(photo)], { tier: 'basic' }, 400, 'VALIDATION_FAILED'],
      [[], { tier: 'basic' }, 400, 'VALIDATION_FAILED'],
      // The input is written while it is checked: a bad background must not leave the (good) input behind.
      [[image(photo), { ...image(truncated, 'bg.jpg'), field: 'bgImage' }], { tier: 'basic' }, 422, 'UNDECODABLE_IMAGE'],
    ];
    for (const [files, fields, status, code] of cases) expectError(await remove(user, files, fields), status, code);
    const json = await app.inject({ method: 'POST', url: '/api/background-remover/remove', headers: user.auth, payload: { tier: 'basic' } });
    expectError(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const anonymous = multipart({ tier: 'basic' }, [image(photo)]);
    expectError(await app.inject({ method: 'POST', url: '/api/background-remover/remove', payload: anonymous.payload, headers: anonymous.headers }), 401, 'UNAUTHORIZED');

    expect(await credits.getBalance(user.id)).toBe(100);
    expect(await prisma.backgroundRemovalJob.count({ where: { userId: user.id } })).toBe(0);
    expect(await storedFiles(user.id)).toEqual([]);
  });

  it('insufficient credits → 402 with required and balance, no job, no stored input', async () => {
    const user = await registerUser(app, 'broke');
    await credits.charge(user.id, 95, { referenceType: 'test', referenceId: randomUUID() });
    const body = expectError(await remove(user, [image(photo)], { tier: 'standard' }), 402, 'INSUFFICIENT_CREDITS');
    expect(body.details).toMatchObject({ required: 8, balance: 5 });
    expect(await prisma.backgroundRemovalJob.count({ where: { userId: user.id } })).toBe(0);
    expect(await storedFiles(user.id)).toEqual([]);
  });

  it('Idempotency-Key: a retry replays the first response and charges once; another request with the key → 409', async () => {
    await startWorker();
    const user = await registerUser(app, 'idem');
    const key = `idem-${randomUUID()}`;
    const body = multipart({ tier: 'basic' }, [image(photo)]);
    const send = (payload = body) =>
      app.inject({ method: 'POST', url: '/api/background-remover/remove', payload: payload.payload, headers: { ...payload.headers, ...user.auth, 'idempotency-key': key, prefer: 'wait=0' } });
    const first = await send();
    expect(first.statusCode).toBe(202);
    const second = await send();
    expect(second.statusCode).toBe(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json<Job>().id).toBe(first.json<Job>().id);
    expectError(await send(multipart({ tier: 'standard' }, [image(photo)])), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await prisma.backgroundRemovalJob.count({ where: { userId: user.id } })).toBe(1);
    expect((await ledger(user.id)).filter((r) => r.kind === 'CHARGE')).toHaveLength(1);
  });

  it('batch of 20 → COMPLETED with one discounted charge; the ZIP holds 20 PNGs; SSE reports progress to the end', async () => {
    await startWorker();
    const user = await registerUser(app, 'batch');
    const res = await batch(user, 20);
    expect(res.statusCode, res.body).toBe(202);
    const created = res.json<Batch>();
    expect(created).toMatchObject({ totalItems: 20, creditCharged: 57 }); // 20 × 3 = 60, 5 % off → 57
    expect(res.headers.location).toBe(`/api/background-remover/batch/${created.id}`);

    const done = await waitForBatch(user, created.id);
    expect(done).toMatchObject({ status: 'COMPLETED', succeededItems: 20, failedItems: 0 });
    expect(done.items).toHaveLength(20);
    const zip = await app.inject({ method: 'GET', url: `/api/background-remover/batch/${created.id}/download`, headers: user.auth });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const names = zipEntries(zip.rawPayload);
    expect(names).toHaveLength(20);
    expect(names.every((n) => n.endsWith('.png'))).toBe(true);
    // Upload order, not creation time (all 20 rows share one createdAt): item-0 first, item-19 last.
    expect(names).toEqual(Array.from({ length: 20 }, (_, i) => `${String(i + 1).padStart(3, '0')}-item-${i}.png`));
    expect(done.items!.map((item) => item.originalFilename)).toEqual(
      Array.from({ length: 20 }, (_, i) => `item-${i}.jpg`),
    );
    expect((await download(done.zipUrl!)).statusCode).toBe(200);

    const events = await app.inject({ method: 'GET', url: `/api/background-remover/batch/${created.id}/events`, headers: user.auth });
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.body).toMatch(/event: progress\nid: 20\ndata: .*"status":"COMPLETED"/);
    expect(events.body).toMatch(/event: end/);

    const charges = (await ledger(user.id)).filter((r) => r.kind === 'CHARGE');
    expect(charges).toMatchObject([{ amount: -57, referenceType: 'bg_removal_batch', referenceId: created.id }]);
    const list = await app.inject({ method: 'GET', url: '/api/background-remover/batches', headers: user.auth });
    expect(list.json<{ items: Batch[] }>().items.map((b) => b.id)).toEqual([created.id]);
  });

  it('one undecodable file in a batch → 4xx naming it, nothing charged, no rows, uploads removed', async () => {
    const user = await registerUser(app, 'badbatch');
    const res = await batch(user, 3, [{ field: 'images', filename: 'broken.jpg', contentType: 'image/jpeg', data: photo.subarray(0, 500) }]);
    const body = expectError(res, 422, 'UNDECODABLE_IMAGE');
    expect(body.message).toMatch(/Image 4 \(broken\.jpg\)/);
    expect(body.details).toMatchObject({ index: 3, filename: 'broken.jpg' });
    expect(await credits.getBalance(user.id)).toBe(100);
    expect(await prisma.backgroundRemovalBatch.count({ where: { userId: user.id } })).toBe(0);
    expect(await app.get(StorageService).exists('private', `background-remover/${user.id}/uploads`)).toBe(false);
  });

  it('an item that fails is FAILED and refunded once; the batch ends PARTIAL and its ZIP has the rest', async () => {
    await stopWorker(); // make the failure deterministic: break one input before any worker runs
    const user = await registerUser(app, 'partial');
    const created = (await batch(user, 4)).json<Batch>();
    const victim = await prisma.backgroundRemovalJob.findFirstOrThrow({ where: { batchId: created.id } });
    await app.get(StorageService).delete('private', victim.inputKey);
    await startWorker();

    const done = await waitForBatch(user, created.id);
    expect(done).toMatchObject({ status: 'PARTIAL', succeededItems: 3, failedItems: 1, creditCharged: 12, creditRefunded: victim.creditCharged });
    expect(done.items!.find((i) => i.id === victim.id)).toMatchObject({ status: 'FAILED', errorCode: 'NOT_FOUND' });
    const zip = await app.inject({ method: 'GET', url: `/api/background-remover/batch/${created.id}/download`, headers: user.auth });
    expect(zipEntries(zip.rawPayload)).toHaveLength(3);
    const rows = await ledger(user.id);
    expect(rows.filter((r) => r.kind === 'REFUND')).toMatchObject([{ amount: victim.creditCharged, referenceId: victim.id }]);
  });

  it('a worker stopped mid-batch and started again finishes the batch; nothing is charged twice', async () => {
    await startWorker();
    const user = await registerUser(app, 'restart');
    const created = (await batch(user, 12)).json<Batch>();
    await waitFor('the worker to be partway through the batch', () => prisma.backgroundRemovalJob.count({ where: { batchId: created.id, status: 'SUCCEEDED' } }), 30_000, 50);
    await stopWorker();
    const partway = await prisma.backgroundRemovalJob.count({ where: { batchId: created.id, status: 'SUCCEEDED' } });
    expect(partway).toBeLessThan(12);
    await startWorker();
    const done = await waitForBatch(user, created.id);
    expect(done).toMatchObject({ status: 'COMPLETED', succeededItems: 12 });
    const rows = await ledger(user.id);
    expect(rows.filter((r) => r.kind === 'CHARGE')).toHaveLength(1);
    expect(rows.filter((r) => r.kind === 'REFUND')).toHaveLength(0);
  });

  it('/pricing/calculate agrees with what /batch charges for 1, 10, 50 and 100 images', async () => {
    // A separate queue prefix: these jobs are only charged, never processed in this test run.
    const pricingApp = await createTestApi({ QUEUE_PREFIX: `lumiku-test-pricing-${process.pid}` });
    try {
      const user = await registerUser(pricingApp, 'pricing');
      const tiny = await productPhoto(16, 12, 'png');
      await pricingApp.get(CreditsService).grant(user.id, 2000, { referenceType: 'test_topup', referenceId: randomUUID() });
      for (const count of [1, 10, 50, 100]) {
        const quote = await pricingApp.inject({ method: 'POST', url: '/api/background-remover/pricing/calculate', headers: user.auth, payload: { tier: 'basic', imageCount: count } });
        expect(quote.statusCode).toBe(200);
        const files: MultipartFile[] = Array.from({ length: count }, (_, i) => ({ field: 'images', filename: `p${i}.png`, data: tiny }));
        const body = multipart({ tier: 'basic' }, files);
        const res = await pricingApp.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
        expect(res.statusCode, res.body).toBe(202);
        expect(res.json<Batch>().creditCharged).toBe(quote.json<{ total: number }>().total);
        expect(res.headers['x-credits-charged']).toBe(String(quote.json<{ total: number }>().total));
      }
      expectError(await pricingApp.inject({ method: 'POST', url: '/api/background-remover/pricing/calculate', headers: user.auth, payload: { tier: 'basic', imageCount: -3 } }), 400, 'VALIDATION_FAILED');
    } finally {
      await pricingApp.close();
    }
  });

  it('subscriptions: bought with credits, covered tiers use the daily quota instead of credits, never over quota', async () => {
    await startWorker();
    const user = await registerUser(app, 'sub');
    await credits.grant(user.id, 1200, { referenceType: 'test_topup', referenceId: randomUUID() });
    const bought = await app.inject({ method: 'POST', url: '/api/background-remover/subscription', headers: user.auth, payload: { plan: 'pro' } });
    expect(bought.statusCode, bought.body).toBe(201);
    expect(bought.json()).toMatchObject({ subscription: { plan: 'pro', status: 'ACTIVE', dailyQuota: 100 }, creditBalance: 100 });
    expectError(await app.inject({ method: 'POST', url: '/api/background-remover/subscription', headers: user.auth, payload: { plan: 'pro' } }), 409, 'CONFLICT');
    expectError(await app.inject({ method: 'POST', url: '/api/background-remover/subscription', headers: user.auth, payload: { plan: 'gold' } }), 400, 'VALIDATION_FAILED');

    const covered = await remove(user, [image(photo)], { tier: 'standard' }, { prefer: 'wait=20' });
    expect(covered.json<Job>()).toMatchObject({ paidWith: 'SUBSCRIPTION', creditCharged: 0, status: 'SUCCEEDED' });
    const notCovered = await remove(user, [image(photo)], { tier: 'professional' }, { prefer: 'wait=0' });
    expect(notCovered.json<Job>()).toMatchObject({ paidWith: 'CREDITS', creditCharged: 15 });
    const usage = await app.inject({ method: 'GET', url: '/api/background-remover/subscription/usage', headers: user.auth });
    expect(usage.json()).toMatchObject({ usedToday: 1, dailyQuota: 100, remainingToday: 99 });

    // The quota itself under concurrency: 150 concurrent takes of 1 from a quota of 100 → exactly 100 succeed.
    const sub = await prisma.backgroundRemoverSubscription.findUniqueOrThrow({ where: { userId: user.id } });
    const quota = app.get(SubscriptionQuotaService);
    const taken = await Promise.all(Array.from({ length: 150 }, () => quota.consume(sub.id, 1)));
    expect(taken.filter(Boolean)).toHaveLength(99);
    expect(await quota.usedToday(sub.id)).toBe(100);

    const cancelled = await app.inject({ method: 'DELETE', url: '/api/background-remover/subscription', headers: user.auth });
    expect(cancelled.json()).toMatchObject({ subscription: { status: 'CANCELLED' } });
    await ledger(user.id);
  });

  it('every object route is owner-scoped: another user gets 404', async () => {
    await startWorker();
    const owner = await registerUser(app, 'owner');
    const other = await registerUser(app, 'other');
    const job = (await remove(owner, [image(photo)], { tier: 'basic' }, { prefer: 'wait=20' })).json<Job>();
    const created = (await batch(owner, 1)).json<Batch>();
    await waitForBatch(owner, created.id);
    for (const url of [
      `/api/background-remover/jobs/${job.id}`,
      `/api/background-remover/batch/${created.id}`,
      `/api/background-remover/batch/${created.id}/download`,
      `/api/background-remover/batch/${created.id}/events`,
      `/api/background-remover/batch/not-a-uuid`,
    ]) {
      expectError(await app.inject({ method: 'GET', url, headers: other.auth }), 404, 'NOT_FOUND');
    }
    expect((await app.inject({ method: 'GET', url: '/api/background-remover/jobs', headers: other.auth })).json()).toEqual({ items: [], nextCursor: null });
  });

  it('a batch with a webhookUrl gets a signed POST when it finishes (retried until it is accepted)', async () => {
    await startWorker();
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let calls = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls++;
        received.push({ headers: req.headers, body });
        res.statusCode = calls === 1 ? 500 : 204; // the first delivery fails and must be retried
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const user = await registerUser(app, 'hook');
      const port = (server.address() as AddressInfo).port;
      const created = (await batch(user, 2, [], { tier: 'basic', webhookUrl: `http://127.0.0.1:${port}/hooks/lumiku` })).json<Batch>();
      await waitForBatch(user, created.id);
      await waitFor('the retried webhook delivery', async () => received.length >= 2, 30_000, 200);
      expect(received).toHaveLength(2);
      const last = received[1]!;
      const payload = JSON.parse(last.body) as { event: string; batch: { id: string; status: string } };
      expect(payload).toMatchObject({ event: 'background-remover.batch.finished', batch: { id: created.id, status: 'COMPLETED' } });
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(last.headers['lumiku-signature']))!;
      const expected = createHmac('sha256', process.env.WEBHOOK_SIGNING_SECRET ?? 'dev-only-webhook-signing-secret')
        .update(`${String(last.headers['lumiku-webhook-id'])}.${t}.${last.body}`)
        .digest('hex');
      expect(v1).toBe(expected);
    } finally {
      server.close();
    }
  });
});
