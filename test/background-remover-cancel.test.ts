import { createHmac, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { JobProducer, QueueName } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { FakeHfServer } from '../libs/ai-providers/src/providers/huggingface/testing/fake-hf-server';
import { sharp } from '../libs/images/src/testing/test-images';
import { createTestApi, createTestWorker } from './support/app';
import { expectError, RegisteredUser, registerUser } from './support/http';
import { productPhoto, zipEntries } from './support/images';
import { multipart, MultipartFile } from './support/multipart';
import { testEnv } from './support/test-env';

interface Job {
  id: string;
  status: string;
  creditCharged: number;
  paidWith: string;
  webhookEvents: string[];
}
interface Batch {
  id: string;
  status: string;
  totalItems: number;
  succeededItems: number;
  failedItems: number;
  canceledItems: number;
  pendingItems: number;
  creditCharged: number;
  creditRefunded: number;
  canceledAt: string | null;
  items: { id: string; status: string }[];
}

const RB = '/api/background-remover';
/** Each provider call takes this long, so a 20-image batch on one worker slot is still running when it is canceled. */
const PROVIDER_LATENCY_MS = 300;

/**
 * Cancel, single-job webhooks and single-job event streams against the real PostgreSQL, Redis and worker. The removal
 * tiers are served by a local fake Hugging Face endpoint that answers after PROVIDER_LATENCY_MS, and the worker runs
 * one job at a time, so "midway" is a real state, not a race.
 */
describe('Background Remover: cancel, job webhooks and job events', () => {
  let fake: FakeHfServer;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext | undefined;
  let prisma: PrismaService;
  let baseUrl: string;
  let photo: Buffer;
  const env = (): Record<string, string> => ({
    AI_PROVIDER_MAP: 'onnx=huggingface',
    // A queue of its own, and no reconciling of other files' rows (see background-remover-hf.test.ts).
    QUEUE_PREFIX: `${testEnv.QUEUE_PREFIX}-cancel`,
    RECONCILE_GRACE_SECONDS: '3600',
    HF_TOKEN: 'hf_test_token_not_real',
    HF_BG_REMOVAL_ENDPOINT_URL: fake.url('/rmbg'),
    HF_TIMEOUT_MS: '5000',
    WORKER_CONCURRENCY: '1',
  });

  beforeAll(async () => {
    fake = await FakeHfServer.start();
    const mask = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer();
    fake.onDefault('/rmbg', () => ({ kind: 'delay', ms: PROVIDER_LATENCY_MS, then: { kind: 'segments', segments: [{ label: 'foreground', mask, score: 0.99 }] } }));
    app = await createTestApi(env());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    prisma = app.get(PrismaService);
    photo = await productPhoto(120, 90);
  });
  afterAll(async () => {
    await worker?.close();
    await app.close();
    await fake.close();
  });

  const startWorker = async () => {
    worker ??= await createTestWorker(env());
  };
  const stopWorker = async () => {
    await worker?.close();
    worker = undefined;
  };
  const image = (data = photo): MultipartFile => ({ field: 'image', filename: 'p.jpg', contentType: 'image/jpeg', data });
  async function remove(user: RegisteredUser, fields: Record<string, string> = { tier: 'basic' }, wait = 0) {
    const body = multipart(fields, [image()]);
    return app.inject({ method: 'POST', url: `${RB}/remove`, payload: body.payload, headers: { ...body.headers, ...user.auth, prefer: `wait=${wait}` } });
  }
  const cancel = (user: RegisteredUser, path: string) => app.inject({ method: 'POST', url: `${RB}/${path}/cancel`, headers: user.auth });
  const getBatch = async (user: RegisteredUser, id: string) => (await app.inject({ method: 'GET', url: `${RB}/batch/${id}`, headers: user.auth })).json<Batch>();
  const getJob = async (user: RegisteredUser, id: string) => (await app.inject({ method: 'GET', url: `${RB}/jobs/${id}`, headers: user.auth })).json<Job>();
  async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** The ledger invariant, and the user's refunds by job id. */
  async function ledger(userId: string) {
    const rows = await prisma.creditTransaction.findMany({ where: { userId } });
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(user.creditBalance);
    const refunds = rows.filter((r) => r.kind === 'REFUND');
    return { balance: user.creditBalance, refunds, refundsOf: (id: string) => refunds.filter((r) => r.referenceId === id) };
  }

  it('cancel a 20-image batch midway: exactly the items that did not run are refunded, once; a second cancel changes nothing', async () => {
    await startWorker();
    const user = await registerUser(app, 'cancel-batch');
    const files = await Promise.all(Array.from({ length: 20 }, async (_, i) => ({ field: 'images', filename: `c${i}.jpg`, contentType: 'image/jpeg', data: await productPhoto(90 + i, 70) })));
    const body = multipart({ tier: 'basic' }, files);
    const created = await app.inject({ method: 'POST', url: `${RB}/batch`, payload: body.payload, headers: { ...body.headers, ...user.auth } });
    expect(created.statusCode, created.body).toBe(202);
    const batchId = created.json<Batch>().id;
    const requestsBefore = fake.requestsTo('/rmbg').length;

    await until('three items done', () => getBatch(user, batchId), (b) => b.succeededItems >= 3);
    const first = await cancel(user, `batch/${batchId}`);
    expect(first.statusCode, first.body).toBe(200);
    const canceled = first.json<Batch>();
    expect(canceled.canceledAt).not.toBeNull();
    expect(canceled.canceledItems).toBeGreaterThan(0);
    expect(canceled.canceledItems).toBeLessThanOrEqual(17);

    const final = await until('the batch to end', () => getBatch(user, batchId), (b) => ['PARTIAL', 'CANCELED', 'COMPLETED', 'FAILED'].includes(b.status));
    const rows = await prisma.backgroundRemovalJob.findMany({ where: { batchId } });
    const ran = rows.filter((r) => r.status === 'SUCCEEDED');
    const notRun = rows.filter((r) => r.status === 'CANCELED');
    expect(ran.length + notRun.length, 'every item either ran or was canceled').toBe(20);
    console.log(`[cancel] 20-image batch canceled after ${ran.length} ran: ${notRun.length} canceled and refunded`);
    expect(notRun.length).toBe(canceled.canceledItems);
    expect(final).toMatchObject({ status: 'PARTIAL', succeededItems: ran.length, failedItems: 0, canceledItems: notRun.length, pendingItems: 0 });
    // The canceled items never reached the provider; the ones that ran did, once each.
    expect(fake.requestsTo('/rmbg').length - requestsBefore).toBe(ran.length);

    const money = await ledger(user.id);
    const refundedTotal = notRun.reduce((s, r) => s + r.creditCharged, 0);
    expect(first.headers['x-credits-refunded']).toBe(String(refundedTotal));
    expect(first.headers['x-credits-remaining']).toBe(String(money.balance));
    for (const row of notRun) expect(money.refundsOf(row.id).map((r) => r.amount)).toEqual([row.creditCharged]);
    for (const row of ran) expect(money.refundsOf(row.id)).toEqual([]);
    expect(money.refunds).toHaveLength(notRun.length);
    expect(final.creditRefunded).toBe(refundedTotal);
    expect(money.balance).toBe(100 - final.creditCharged + refundedTotal);
    // Off the queue. The exceptions are items the worker took (queue job locked, not removable) while the cancel was
    // removing them: each such run found its row CANCELED and did nothing. None is left waiting.
    const queue = app.get(JobProducer).queue(QueueName.BackgroundRemoval);
    let removed = 0;
    for (const row of notRun) {
      const queued = await queue.getJob(row.id);
      if (!queued) removed++;
      else expect({ state: await queued.getState(), result: queued.returnvalue as unknown }).toEqual({ state: 'completed', result: 'already settled' });
    }
    expect(removed).toBeGreaterThan(0);
    // The ZIP holds what ran.
    const zip = await app.inject({ method: 'GET', url: `${RB}/batch/${batchId}/download`, headers: user.auth });
    expect(zipEntries(zip.rawPayload)).toHaveLength(ran.length);

    const again = await cancel(user, `batch/${batchId}`);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['x-credits-refunded']).toBe('0');
    expect(again.json<Batch>()).toEqual(await getBatch(user, batchId));
    expect(again.json<Batch>()).toMatchObject({ status: 'PARTIAL', canceledItems: notRun.length });
    const after = await ledger(user.id);
    expect(after.balance).toBe(money.balance);
    expect(after.refunds).toHaveLength(notRun.length);
  }, 120_000);

  it('a batch canceled before anything ran ends CANCELED and is paid back in full; a finished batch → 409', async () => {
    await stopWorker();
    const user = await registerUser(app, 'cancel-queued-batch');
    const files = [0, 1, 2].map((i) => ({ field: 'images', filename: `q${i}.jpg`, contentType: 'image/jpeg', data: photo }));
    const body = multipart({ tier: 'basic' }, files);
    const batchId = (await app.inject({ method: 'POST', url: `${RB}/batch`, payload: body.payload, headers: { ...body.headers, ...user.auth } })).json<Batch>().id;
    const res = await cancel(user, `batch/${batchId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Batch>()).toMatchObject({ canceledItems: 3, pendingItems: 0 });
    await startWorker(); // the finalize job sets the final status
    const final = await until('the batch to end', () => getBatch(user, batchId), (b) => b.status !== 'QUEUED' && b.status !== 'PROCESSING');
    expect(final).toMatchObject({ status: 'CANCELED', succeededItems: 0, canceledItems: 3, creditRefunded: final.creditCharged });
    expect((await ledger(user.id)).balance).toBe(100);
    expectError(await cancel(await registerUser(app, 'cancel-batch-other'), `batch/${batchId}`), 404, 'NOT_FOUND');

    const done = multipart({ tier: 'basic' }, [{ field: 'images', filename: 'd.jpg', contentType: 'image/jpeg', data: photo }]);
    const finishedId = (await app.inject({ method: 'POST', url: `${RB}/batch`, payload: done.payload, headers: { ...done.headers, ...user.auth } })).json<Batch>().id;
    await until('the batch to complete', () => getBatch(user, finishedId), (b) => b.status === 'COMPLETED');
    expectError(await cancel(user, `batch/${finishedId}`), 409, 'BATCH_ALREADY_FINISHED');
  }, 60_000);

  it('cancel a queued single job → CANCELED, refunded once, off the queue; again → same; another user → 404; finished → 409', async () => {
    await stopWorker();
    const user = await registerUser(app, 'cancel-job');
    const other = await registerUser(app, 'cancel-job-other');
    const accepted = await remove(user);
    expect(accepted.statusCode, accepted.body).toBe(202);
    const job = accepted.json<Job>();
    expect((await ledger(user.id)).balance).toBe(97);

    expectError(await cancel(other, `jobs/${job.id}`), 404, 'NOT_FOUND');
    // Five cancels at once: all answer the same CANCELED job, exactly one of them refunds.
    const answers = await Promise.all(Array.from({ length: 5 }, () => cancel(user, `jobs/${job.id}`)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((a) => a.headers['x-credits-refunded']).sort()).toEqual(['0', '0', '0', '0', '3']);
    const res = answers.find((a) => a.headers['x-credits-refunded'] === '3')!;
    expect(res.json<Job>()).toMatchObject({ id: job.id, status: 'CANCELED', creditCharged: 3 });
    expect(res.headers).toMatchObject({ 'x-credits-refunded': '3', 'x-credits-remaining': '100' });
    expect(await app.get(JobProducer).queue(QueueName.BackgroundRemoval).getJob(job.id)).toBeUndefined();

    const again = await cancel(user, `jobs/${job.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
    expect(again.headers).toMatchObject({ 'x-credits-refunded': '0', 'x-credits-remaining': '100' });
    const money = await ledger(user.id);
    expect(money.balance).toBe(100);
    expect(money.refundsOf(job.id).map((r) => r.amount)).toEqual([3]);

    // A worker that starts now finds nothing to run for it.
    const before = fake.requestsTo('/rmbg').length;
    await startWorker();
    const finished = await remove(user, { tier: 'basic' }, 20);
    expect(finished.json<Job>().status).toBe('SUCCEEDED');
    expect(fake.requestsTo('/rmbg').length - before).toBe(1);
    expect((await getJob(user, job.id)).status).toBe('CANCELED');
    expectError(await cancel(user, `jobs/${finished.json<Job>().id}`), 409, 'JOB_ALREADY_FINISHED');
    await ledger(user.id);
  }, 60_000);

  it('a subscription-paid job canceled before it ran gives its quota back, once', async () => {
    await stopWorker();
    const user = await registerUser(app, 'cancel-sub');
    await app.get(CreditsService).grant(user.id, 300, { referenceType: 'test_topup', referenceId: randomUUID() });
    expect((await app.inject({ method: 'POST', url: `${RB}/subscription`, headers: user.auth, payload: { plan: 'starter' } })).statusCode).toBe(201);
    const usage = async () => (await app.inject({ method: 'GET', url: `${RB}/subscription/usage`, headers: user.auth })).json<{ usedToday: number }>().usedToday;
    const job = (await remove(user)).json<Job>();
    expect(job.paidWith).toBe('SUBSCRIPTION');
    expect(await usage()).toBe(1);
    expect((await cancel(user, `jobs/${job.id}`)).headers['x-credits-refunded']).toBe('0');
    expect(await usage()).toBe(0);
    expect((await cancel(user, `jobs/${job.id}`)).statusCode).toBe(200);
    expect(await usage()).toBe(0);
    await ledger(user.id);
  });

  it('job webhooks: signed, only the chosen events, the same retries as batch webhooks', async () => {
    await startWorker();
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    let calls = 0;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls++;
        received.push({ headers: req.headers, body });
        res.statusCode = calls === 1 ? 503 : 204; // the first delivery fails and is retried
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const user = await registerUser(app, 'job-hooks');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      // Fails, but only asked for `completed`: nothing is sent.
      fake.script('/rmbg', { kind: 'error', status: 400, message: 'Input image is not supported' });
      const quiet = await remove(user, { tier: 'basic', webhookUrl: `${url}/quiet`, webhookEvents: 'completed' }, 20);
      expect(quiet.json<Job>()).toMatchObject({ status: 'FAILED', webhookEvents: ['completed'] });
      // Fails with the default events (completed, failed): `failed` is sent.
      fake.script('/rmbg', { kind: 'error', status: 400, message: 'Input image is not supported' });
      const failing = await remove(user, { tier: 'basic', webhookUrl: `${url}/default` }, 20);
      expect(failing.json<Job>()).toMatchObject({ status: 'FAILED', webhookEvents: ['completed', 'failed'] });
      // Succeeds with progress + completed.
      const ok = await remove(user, { tier: 'basic', webhookUrl: `${url}/all`, webhookEvents: 'progress, completed' }, 20);
      expect(ok.json<Job>().status).toBe('SUCCEEDED');

      await until('three deliveries (one retried)', async () => received.filter((r) => r.headers['lumiku-signature']).length, (n) => n >= 4, 30_000);
      await new Promise((r) => setTimeout(r, 500)); // nothing else arrives
      const delivered = received.map((r) => ({ ...r, payload: JSON.parse(r.body) as { event: string; job: { id: string; status: string } } }));
      const events = new Set(delivered.map((d) => `${d.payload.job.id}:${d.payload.event}`));
      expect([...events].sort()).toEqual(
        [`${failing.json<Job>().id}:background-remover.job.failed`, `${ok.json<Job>().id}:background-remover.job.progress`, `${ok.json<Job>().id}:background-remover.job.completed`].sort(),
      );
      expect(delivered.some((d) => d.payload.job.id === quiet.json<Job>().id)).toBe(false);
      expect(delivered.find((d) => d.payload.event === 'background-remover.job.completed')!.payload.job.status).toBe('SUCCEEDED');
      for (const d of delivered) {
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(d.headers['lumiku-signature']))!;
        const expected = createHmac('sha256', process.env.WEBHOOK_SIGNING_SECRET ?? 'dev-only-webhook-signing-secret')
          .update(`${String(d.headers['lumiku-webhook-id'])}.${t}.${d.body}`)
          .digest('hex');
        expect(v1).toBe(expected);
      }
      expect(delivered).toHaveLength(4); // three events, the first attempt of one of them answered 503
    } finally {
      server.close();
    }
  }, 90_000);

  function openStream(path: string, authorization: string) {
    let text = '';
    const ended = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${baseUrl}${path}`, { headers: { authorization } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end();
    });
    return { ended, text: () => text };
  }
  const progressEvents = (text: string) => [...text.matchAll(/event: progress\nid: \d+\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!) as Job);

  it('GET /jobs/:id/events streams the job until its final state (succeeded, or canceled)', async () => {
    await stopWorker();
    const user = await registerUser(app, 'job-sse');
    const job = (await remove(user)).json<Job>();
    const stream = openStream(`${RB}/jobs/${job.id}/events`, user.auth.authorization);
    await until('the first event', async () => stream.text(), (t) => t.includes('event: progress'), 10_000);
    await startWorker();
    const done = await stream.ended;
    expect(done.status).toBe(200);
    const events = progressEvents(done.text);
    expect(events[0]!.status).toBe('QUEUED');
    expect(events.at(-1)!.status).toBe('SUCCEEDED');
    expect(done.text.endsWith('event: end\ndata: {}\n\n')).toBe(true);

    await stopWorker();
    const queued = (await remove(user)).json<Job>();
    const canceledStream = openStream(`${RB}/jobs/${queued.id}/events`, user.auth.authorization);
    await until('the first event', async () => canceledStream.text(), (t) => t.includes('event: progress'), 10_000);
    expect((await cancel(user, `jobs/${queued.id}`)).statusCode).toBe(200);
    const canceled = await canceledStream.ended; // woken by the queue's "removed" event, not by a timer
    expect(progressEvents(canceled.text).map((e) => e.status)).toEqual(['QUEUED', 'CANCELED']);

    const other = await registerUser(app, 'job-sse-other');
    expectError(await app.inject({ method: 'GET', url: `${RB}/jobs/${job.id}/events`, headers: other.auth }), 404, 'NOT_FOUND');
  }, 60_000);
});
