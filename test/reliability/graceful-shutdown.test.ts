import { request as httpRequest } from 'node:http';
import type { Client } from 'pg';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, ManagedProcess, sleep, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { ledgerMismatches, LiveClient, LiveUser } from '../support/live-http';
import { multipart } from '../support/multipart';
import { expectNoSecretsInLogs } from './secrets';

/**
 * Scenario 6: SIGTERM. The api under load must not fail a request it already accepted (new connections may be
 * refused once it stops listening — counted separately); the worker must drain its active job, exit 0 within
 * SHUTDOWN_TIMEOUT_SECONDS and leave nothing stalled.
 */
interface Outcome {
  kind: 'slow' | 'load';
  sentAt: number;
  status?: number;
  body?: string;
  headers?: Record<string, string | string[] | undefined>;
  error?: string;
  /** The connection was established (TCP) before the error. */
  connected?: boolean;
}

/** One request on its own connection (no keep-alive), so "refused" and "failed after being accepted" are distinct. */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: Buffer, timeoutMs = 30_000): Promise<Omit<Outcome, 'kind' | 'sentAt'>> {
  return new Promise((resolve) => {
    let connected = false;
    const req = httpRequest(`${baseUrl}${path}`, { method, headers: { ...headers, connection: 'close' }, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), connected: true }));
      res.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message, connected: true }));
    });
    req.on('socket', (socket) => socket.on('connect', () => (connected = true)));
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message, connected }));
    req.end(body);
  });
}

describe('SIGTERM', () => {
  const dep = new Deployment('sigterm', { env: { SHUTDOWN_TIMEOUT_SECONDS: '20', SIGNUP_CREDITS: '1000' } });
  let db: Client;
  const users: LiveUser[] = [];

  beforeAll(async () => {
    await dep.createDatabase();
    db = await dep.db();
  });
  afterAll(async () => {
    await db?.end();
    await dep.destroy();
  });

  it('to the api under load: every accepted request completes; only new connections are refused', async () => {
    const api = await dep.startApi();
    const http = new LiveClient(api.baseUrl);
    const user = await http.register('sigterm-api');
    users.push(user);
    const auth = { authorization: `Bearer ${user.token}` };
    const photo = await productPhoto(160, 120);
    const t0 = Date.now();
    const outcomes: Outcome[] = [];

    // Slow requests in flight at SIGTERM time: no worker runs, so each /remove waits its full `Prefer: wait=4`
    // (charge → queue → wait → 202). They were accepted seconds before the signal.
    const slow = Array.from({ length: 6 }, async () => {
      const mp = multipart({ tier: 'basic' }, [{ field: 'image', filename: 'p.jpg', contentType: 'image/jpeg', data: photo }]);
      const sentAt = Date.now() - t0;
      const res = await send(api.baseUrl, 'POST', '/api/background-remover/remove', { ...auth, ...mp.headers, prefer: 'wait=4' }, mp.payload);
      outcomes.push({ kind: 'slow', sentAt, ...res });
    });
    // Load: 8 loops of short authenticated reads, each on a new connection, until the api is gone.
    let stopLoad = false;
    const load = Array.from({ length: 8 }, async (_, n) => {
      for (let i = 0; i < 2_000 && !stopLoad; i++) {
        const sentAt = Date.now() - t0;
        const path = n % 2 ? '/api/auth/me' : '/api/background-remover/pricing';
        const res = await send(api.baseUrl, 'GET', path, auth, undefined, 10_000);
        outcomes.push({ kind: 'load', sentAt, ...res });
        if (res.error === 'ECONNREFUSED') break;
      }
    });

    await sleep(1_500);
    const sigtermAt = Date.now() - t0;
    api.signal('SIGTERM');
    const exit = await Promise.race([api.exited, sleep(30_000).then(() => undefined)]);
    const exitedAt = Date.now() - t0;
    stopLoad = true;
    await Promise.all([...slow, ...load]);

    expect(exit, 'the api must exit by itself after SIGTERM').toBeDefined();
    // Nest's shutdown hooks close the app, then exit with code 0 (process.exit, so pending log lines are written).
    expect(exit!.code, JSON.stringify(exit)).toBe(0);
    expect(api.output()).not.toMatch(/"level":50/);
    const slowOnes = outcomes.filter((o) => o.kind === 'slow');
    expect(slowOnes).toHaveLength(6);
    for (const o of slowOnes) expect({ status: o.status, error: o.error, body: o.body?.slice(0, 300) }).toMatchObject({ status: 202 });

    // Three kinds of outcome. Completed: an HTTP answer < 400. Refused: a request that reached the api only after
    // SIGTERM and was turned away without being processed — connection refused (listener closed), an idle new
    // connection closed before its request was read (ECONNRESET/EPIPE/hang-up, no answer), or Nest's "closing" 503
    // with `Connection: close`. Failed: anything else — a 5xx or error body, a client timeout, and ANY non-completion
    // of a request sent before the signal (100 ms margin for bytes still in the kernel when the signal lands).
    const closing503 = (o: Outcome) => o.status === 503 && o.headers?.connection === 'close' && /Service Unavailable/.test(o.body ?? '');
    const turnedAway = (o: Outcome) => ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'socket hang up'].includes(o.error ?? '') || closing503(o);
    const completed = outcomes.filter((o) => o.status !== undefined && o.status < 400);
    const refused = outcomes.filter((o) => !completed.includes(o) && turnedAway(o) && o.sentAt >= sigtermAt - 100);
    const failed = outcomes.filter((o) => !completed.includes(o) && !refused.includes(o));
    expect(failed.map((o) => `${o.kind} @${o.sentAt}ms → ${o.status ?? o.error} ${o.body?.slice(0, 200) ?? ''} connected=${o.connected}`)).toEqual([]);
    expect(completed.filter((o) => o.kind === 'load' && o.sentAt < sigtermAt).length).toBeGreaterThan(20);
    const refusedBy: Record<string, number> = {};
    for (const o of refused) refusedBy[o.error ?? `closing ${o.status}`] = (refusedBy[o.error ?? `closing ${o.status}`] ?? 0) + 1;
    console.log(
      `[sigterm-api] SIGTERM at ${sigtermAt} ms, exited ${JSON.stringify(exit)} at ${exitedAt} ms; ${completed.length} completed, ` +
        `turned away after SIGTERM: ${JSON.stringify(refusedBy)}, failed: ${failed.length}; the 6 slow requests in flight → 202`,
    );

    // The slow requests were charged once each, their jobs exist and wait for a worker; ledger holds.
    const jobs = await db.query(`SELECT count(*)::int AS n FROM background_removal_jobs WHERE user_id = $1`, [user.id]);
    expect(jobs.rows[0].n).toBe(6);
    expect(await ledgerMismatches(db)).toEqual([]);
  });

  it('to the worker mid-job: it drains (exit 0 within SHUTDOWN_TIMEOUT_SECONDS), nothing stalls, nothing is charged twice', async () => {
    const api = await dep.startApi();
    const http = new LiveClient(api.baseUrl);
    const user = await http.register('sigterm-worker');
    users.push(user);
    const files = [];
    for (let i = 0; i < 12; i++) files.push({ field: 'images', filename: `w-${i}.jpg`, contentType: 'image/jpeg', data: await productPhoto(960 + i * 4, 720) });
    const batch = await http.multipart('/api/background-remover/batch', { tier: 'basic' }, files, { token: user.token });
    expect(batch.status, batch.text).toBe(202);

    const since = (await db.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
    const worker: ManagedProcess = await dep.startWorker();
    const active = await waitFor('an item in flight', async () =>
      (await db.query(`SELECT id FROM background_removal_jobs WHERE batch_id = $1 AND status = 'PROCESSING' AND updated_at > $2`, [batch.body.id, since])).rows[0],
    30_000, 10);
    const signalledAt = Date.now();
    worker.signal('SIGTERM');
    const exit = await Promise.race([worker.exited, sleep(Number(dep.env.SHUTDOWN_TIMEOUT_SECONDS) * 1000 + 5_000).then(() => undefined)]);
    const drainMs = Date.now() - signalledAt;
    expect(exit, 'the worker must exit within SHUTDOWN_TIMEOUT_SECONDS').toBeDefined();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(drainMs).toBeLessThan(Number(dep.env.SHUTDOWN_TIMEOUT_SECONDS) * 1000);
    expect(worker.output()).toMatch(/SIGTERM received: draining/);

    // The job that was running finished; nothing is left PROCESSING or active in the queue.
    const row = (await db.query(`SELECT status FROM background_removal_jobs WHERE id = $1`, [active.id])).rows[0];
    expect(row.status).toBe('SUCCEEDED');
    expect((await db.query(`SELECT count(*)::int AS n FROM background_removal_jobs WHERE batch_id = $1 AND status = 'PROCESSING'`, [batch.body.id])).rows[0].n).toBe(0);
    const queue = new Queue('background-removal', { connection: { host: '127.0.0.1', port: Number(new URL(dep.env.REDIS_URL!).port || 6379) }, prefix: dep.env.QUEUE_PREFIX });
    try {
      const counts = await queue.getJobCounts('active', 'waiting', 'completed');
      expect(counts.active, JSON.stringify(counts)).toBe(0);
      const remaining = (await db.query(`SELECT count(*)::int AS n FROM background_removal_jobs WHERE batch_id = $1 AND status = 'QUEUED'`, [batch.body.id])).rows[0].n;
      expect(counts.waiting).toBe(remaining);
    } finally {
      await queue.close();
    }

    // A new worker finishes the rest promptly: well under BullMQ's 30 s lock expiry, i.e. nothing was stalled.
    const restartAt = Date.now();
    await dep.startWorker();
    const final = await waitFor('the batch to complete', async () => {
      const { rows } = await db.query(`SELECT * FROM background_removal_batches WHERE id = $1`, [batch.body.id]);
      return rows[0].status === 'COMPLETED' ? rows[0] : undefined;
    }, 25_000, 200);
    const settleMs = Date.now() - restartAt;
    expect(final.succeeded_items).toBe(12);
    const charges = await db.query(`SELECT amount FROM credit_transactions WHERE user_id = $1 AND kind = 'CHARGE'`, [user.id]);
    expect(charges.rows).toEqual([{ amount: -final.credit_charged }]);
    const attempts = await db.query(`SELECT max(attempts)::int AS n FROM background_removal_jobs WHERE batch_id = $1`, [batch.body.id]);
    expect(attempts.rows[0].n, 'no item ran twice').toBe(1);
    expect(await ledgerMismatches(db)).toEqual([]);
    console.log(`[sigterm-worker] drained and exited 0 in ${drainMs} ms; the next worker finished the batch in ${settleMs} ms`);
  });

  it('wrote no bearer token or password to the logs', async () => {
    await Promise.all(dep.processes.map((p) => p.stop('SIGTERM')));
    expectNoSecretsInLogs(dep.logs(), users);
  });
});
