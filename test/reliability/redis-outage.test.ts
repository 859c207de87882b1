import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, freePort, ManagedProcess, OwnRedis, sleep, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { balanceOf, expectLiveError, image, ledgerMismatches, LiveClient, LiveResponse, LiveUser } from '../support/live-http';
import { expectNoSecretsInLogs } from './secrets';

/**
 * Scenario 2: Redis (a server of this test's own, no persistence) stops for ~30 s while traffic runs. Paid POSTs
 * answer 503 QUEUE_UNAVAILABLE with no net charge, readiness is 503 naming redis, and once Redis is back (empty)
 * everything recovers without restarting the api or the worker.
 */
const OUTAGE_MS = 30_000;
const SIGNUP = 1000;
const BATCH_ITEMS = 30;
const AVATAR = '/api/apps/avatar-creator';

interface Ready {
  ready: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

describe('Redis stopped for 30 s during traffic', () => {
  let redis: OwnRedis;
  let dep: Deployment;
  let api: Awaited<ReturnType<Deployment['startApi']>>;
  let worker: ManagedProcess;
  let http: LiveClient;
  let db: Client;
  const users: LiveUser[] = [];
  let photo: Buffer;
  let stopTraffic = false;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    dep = new Deployment('redis', { env: { REDIS_URL: redis.url, SIGNUP_CREDITS: String(SIGNUP), RECONCILE_INTERVAL_SECONDS: '2', RECONCILE_GRACE_SECONDS: '3' } });
    await dep.createDatabase();
    api = await dep.startApi();
    worker = await dep.startWorker();
    http = new LiveClient(api.baseUrl);
    db = await dep.db();
    photo = await productPhoto(320, 240);
    await waitFor('readiness 200', async () => (await http.get('/api/health/ready')).status === 200, 30_000);
  });
  afterAll(async () => {
    stopTraffic = true;
    await db?.end();
    await dep?.destroy();
    await redis?.stop();
  });

  it('paid POSTs fail cleanly with no net charge while Redis is down; api and worker recover by themselves', async () => {
    const t0 = Date.now();
    const steady = await http.register('redis-steady');
    const outageUser = await http.register('redis-outage');
    users.push(steady, outageUser);
    const project = await http.post(`${AVATAR}/projects`, { token: outageUser.token, json: { name: 'Outage' } });
    expect(project.status, project.text).toBe(201);

    // Background traffic for the whole test: the steady user keeps submitting removals (queued, not awaited).
    const traffic: { at: number; res?: LiveResponse; err?: string }[] = [];
    const loop = (async () => {
      for (let i = 0; i < 400 && !stopTraffic; i++) {
        const at = Date.now() - t0;
        try {
          const res = await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo)], { token: steady.token, headers: { prefer: 'wait=0' }, timeoutMs: 20_000 });
          traffic.push({ at, res });
        } catch (err) {
          traffic.push({ at, err: (err as Error).message });
        }
        await sleep(500);
      }
    })();
    await sleep(1_500);

    // A batch whose items are still waiting in the queue when Redis goes away (and comes back empty): only the
    // database knows about them afterwards.
    const files = [];
    for (let i = 0; i < BATCH_ITEMS; i++) files.push(image(await productPhoto(640 + i * 2, 480), 'images', `q-${i}.jpg`));
    const queuedBatch = await http.multipart('/api/background-remover/batch', { tier: 'basic' }, files, { token: steady.token });
    expect(queuedBatch.status, queuedBatch.text).toBe(202);

    // --- Redis goes away ---
    const pids = { api: api.pid, worker: worker.pid };
    await redis.stop();
    const downAt = Date.now();
    const downFrom = downAt - t0;

    const outage: LiveResponse[] = [];
    // Readiness names redis (and answers within its check timeout, not hanging).
    const readyStarted = Date.now();
    const ready = await http.get<Ready>('/api/health/ready');
    expect(Date.now() - readyStarted).toBeLessThan(10_000);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.find((c) => c.name === 'redis')).toMatchObject({ ok: false });
    expect((await http.get('/api/health')).status).toBe(200);
    // Reads that need no queue still work.
    expect((await http.get('/api/auth/me', { token: outageUser.token })).status).toBe(200);
    expect((await http.get('/api/background-remover/pricing', { token: outageUser.token })).status).toBe(200);

    // Paid POSTs of every kind, repeatedly, for the length of the outage.
    let rounds = 0;
    while (Date.now() - downAt < OUTAGE_MS - 4_000 && rounds < 40) {
      rounds++;
      outage.push(await http.multipart('/api/background-remover/remove', { tier: 'standard' }, [image(photo)], { token: outageUser.token, headers: { prefer: 'wait=2' } }));
      outage.push(
        await http.multipart('/api/background-remover/batch', { tier: 'basic' }, [image(photo, 'images', 'a.jpg'), image(photo, 'images', 'b.jpg')], { token: outageUser.token }),
      );
      outage.push(await http.post(`${AVATAR}/projects/${project.body.id}/avatars/generate`, { token: outageUser.token, json: { prompt: 'a portrait in soft light', name: 'Ada', width: 256, height: 256 } }));
      await sleep(1_000);
    }
    expect(rounds).toBeGreaterThanOrEqual(3);
    for (const res of outage) expectLiveError(res, 503, 'QUEUE_UNAVAILABLE');
    expect(outage[0]!.headers.get('retry-after')).toBeTruthy();
    // No net charge: every attempt was charged and refunded (or never charged), and nothing is left open.
    expect(await balanceOf(db, outageUser.id)).toBe(SIGNUP);
    const open = await db.query(
      `SELECT 'job' AS kind, status::text FROM background_removal_jobs WHERE user_id = $1 AND status <> 'FAILED'
       UNION ALL SELECT 'generation', status::text FROM avatar_generations WHERE user_id = $1 AND status <> 'FAILED'`,
      [outageUser.id],
    );
    expect(open.rows).toEqual([]);
    expect(await ledgerMismatches(db)).toEqual([]);

    const remaining = OUTAGE_MS - (Date.now() - downAt);
    if (remaining > 0) await sleep(remaining);
    // --- Redis comes back (empty: it persisted nothing) ---
    await redis.start();
    const upAt = Date.now() - t0;

    const recovered = await waitFor('readiness 200 after Redis is back', async () => {
      const res = await http.get<Ready>('/api/health/ready');
      return res.status === 200 ? res : undefined;
    }, 60_000, 500);
    const readyAfterMs = Date.now() - t0 - upAt;
    expect(recovered.body.ready).toBe(true);

    // A new paid request goes all the way through, on the same processes.
    const fresh = await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo)], { token: outageUser.token, headers: { prefer: 'wait=20' } });
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.body.status).toBe('SUCCEEDED');
    const gen = await http.post(`${AVATAR}/projects/${project.body.id}/avatars/generate`, { token: outageUser.token, json: { prompt: 'a portrait in soft light', name: 'Ada', width: 256, height: 256 } });
    expect(gen.status, gen.text).toBe(202);

    stopTraffic = true;
    await loop;

    // Every job the steady user got accepted — before, during (none) and after the outage, including those whose
    // queue entry vanished with Redis — settles: SUCCEEDED, or FAILED and refunded.
    await waitFor('every accepted job to settle', async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM background_removal_jobs WHERE status IN ('QUEUED','PROCESSING')
         UNION ALL SELECT count(*)::int FROM avatar_generations WHERE status IN ('QUEUED','PROCESSING')`,
      );
      return rows.every((r) => r.n === 0);
    }, 60_000, 500);
    const batchRow = (await db.query(`SELECT status, succeeded_items, failed_items FROM background_removal_batches WHERE id = $1`, [queuedBatch.body.id])).rows[0];
    expect(batchRow.succeeded_items + batchRow.failed_items).toBe(BATCH_ITEMS);
    await waitFor('the batch queued before the outage to finalize', async () => {
      const { rows } = await db.query(`SELECT status FROM background_removal_batches WHERE id = $1`, [queuedBatch.body.id]);
      return ['COMPLETED', 'PARTIAL', 'FAILED'].includes(rows[0].status);
    }, 30_000, 500);
    const accepted = traffic.filter((t) => t.res && (t.res.status === 200 || t.res.status === 202));
    const failedCleanly = traffic.filter((t) => t.res && t.res.status >= 400);
    for (const t of failedCleanly) expectLiveError(t.res!, 503, 'QUEUE_UNAVAILABLE');
    // Requests that did not get an answer at all must be none (the api never hung up on a client).
    expect(traffic.filter((t) => t.err)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);
    const steadyJobs = await db.query(`SELECT status, count(*)::int AS n FROM background_removal_jobs WHERE user_id = $1 GROUP BY status`, [steady.id]);
    const byStatus = Object.fromEntries(steadyJobs.rows.map((r) => [r.status, r.n]));
    expect((byStatus.SUCCEEDED ?? 0) + (byStatus.FAILED ?? 0)).toBe(accepted.length + failedCleanly.length + BATCH_ITEMS);
    // The steady user paid exactly for what succeeded.
    const charged = await db.query(
      `SELECT COALESCE(SUM(credit_charged), 0)::int AS n FROM background_removal_jobs WHERE user_id = $1 AND status = 'SUCCEEDED'`,
      [steady.id],
    );
    expect(byStatus.SUCCEEDED).toBeGreaterThanOrEqual(BATCH_ITEMS);
    expect(await balanceOf(db, steady.id)).toBe(SIGNUP - charged.rows[0].n);
    expect(await ledgerMismatches(db)).toEqual([]);

    // Same processes throughout.
    expect(api.running && worker.running).toBe(true);
    expect({ api: api.pid, worker: worker.pid }).toEqual(pids);
    console.log(
      `[redis-outage] down ${downFrom}–${upAt} ms; ${rounds} rounds of paid POSTs → ${outage.length}× 503 QUEUE_UNAVAILABLE; ` +
        `readiness 200 ${readyAfterMs} ms after Redis returned; traffic: ${accepted.length} accepted, ${failedCleanly.length} clean 503; steady jobs ${JSON.stringify(byStatus)} (batch ${batchRow.status} after the outage)`,
    );
  });

  it('wrote no bearer token or password to the logs', async () => {
    await worker.stop('SIGTERM');
    await api.stop('SIGTERM');
    expectNoSecretsInLogs(dep.logs(), users);
  });
});
