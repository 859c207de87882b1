import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, ManagedProcess, pgAdmin, sleep, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { expectLiveError, image, ledgerMismatches, LiveClient, LiveResponse, LiveUser } from '../support/live-http';
import { expectNoSecretsInLogs } from './secrets';

/**
 * Scenario 3: PostgreSQL connection loss. Every backend of the deployment's database is terminated, 25 times in
 * ~4 s, while traffic runs. Requests fail cleanly (a status and the error contract, never a hang-up or a crash) and the
 * api recovers by itself: later requests succeed on the same process.
 */
const CLIENTS = 6;
/** Rounds of terminations, ~150 ms apart: often enough to hit queries in flight, not only idle connections. */
const TERMINATIONS = 25;

describe('PostgreSQL connections terminated during traffic', () => {
  const dep = new Deployment('pgloss', { env: { SIGNUP_CREDITS: '1000' } });
  let api: Awaited<ReturnType<Deployment['startApi']>>;
  let worker: ManagedProcess;
  let http: LiveClient;
  let db: Client;
  const users: LiveUser[] = [];

  beforeAll(async () => {
    await dep.createDatabase();
    api = await dep.startApi();
    worker = await dep.startWorker();
    http = new LiveClient(api.baseUrl);
    await waitFor('readiness 200', async () => (await http.get('/api/health/ready')).status === 200, 30_000);
  });
  afterAll(async () => {
    await db?.end();
    await dep.destroy();
  });

  it('requests fail cleanly while backends are killed, and the same api process recovers', async () => {
    const t0 = Date.now();
    for (let i = 0; i < CLIENTS; i++) users.push(await http.register('pgloss'));
    const photo = await productPhoto(200, 150);
    const pids = { api: api.pid, worker: worker.pid };

    const results: { at: number; what: string; res?: LiveResponse; err?: string }[] = [];
    let stop = false;
    const call = async (what: string, fn: () => Promise<LiveResponse>) => {
      const at = Date.now() - t0;
      try {
        results.push({ at, what, res: await fn() });
      } catch (err) {
        results.push({ at, what, err: `${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}` });
      }
    };
    const clients = users.map(async (user, n) => {
      for (let i = 0; i < 300 && !stop; i++) {
        switch ((i + n) % 4) {
          case 0:
            await call('me', () => http.get('/api/auth/me', { token: user.token }));
            break;
          case 1:
            await call('jobs', () => http.get('/api/background-remover/jobs?limit=5', { token: user.token }));
            break;
          case 2:
            await call('pricing', () => http.get('/api/background-remover/pricing', { token: user.token }));
            break;
          default:
            await call('remove', () => http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo)], { token: user.token, headers: { prefer: 'wait=0' } }));
        }
        await sleep(20);
      }
    });

    await sleep(1_000);
    const killed: number[] = [];
    for (let k = 0; k < TERMINATIONS; k++) {
      const rows = await pgAdmin((c) =>
        c.query<{ terminated: boolean }>(`SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dep.dbName]),
      );
      killed.push(rows.rows.filter((r) => r.terminated).length);
      await sleep(150);
    }
    const lastKillAt = Date.now() - t0;
    await sleep(2_000);
    stop = true;
    await Promise.all(clients);

    // Every request got an HTTP answer: success, or an error in the contract (no stack, no SQL, a requestId).
    expect(results.filter((r) => r.err), 'requests without an HTTP answer').toEqual([]);
    // A lost connection is the database being unavailable: 503 DATABASE_UNAVAILABLE with Retry-After, never a 500.
    const failed = results.filter((r) => r.res!.status >= 400);
    expect(failed.length, 'the terminations must hit requests in flight').toBeGreaterThan(0);
    for (const r of failed) {
      expectLiveError(r.res!, 503, 'DATABASE_UNAVAILABLE');
      expect(r.res!.headers.get('retry-after')).toBeTruthy();
      expect(r.res!.text).not.toMatch(/SELECT|INSERT|UPDATE|prisma|terminat/i);
    }
    const ok = results.filter((r) => r.res!.status < 400);
    expect(ok.length).toBeGreaterThan(results.length / 2);
    expect(killed.reduce((a, b) => a + b, 0), 'backends terminated').toBeGreaterThanOrEqual(TERMINATIONS);

    // The api (and the worker, whose connections died too) survived and recover by themselves.
    expect(api.running && worker.running, api.output().slice(-3000)).toBe(true);
    expect({ api: api.pid, worker: worker.pid }).toEqual(pids);
    for (const user of users) {
      const me = await http.get('/api/auth/me', { token: user.token });
      expect(me.status, me.text).toBe(200);
      expect((await http.get('/api/background-remover/pricing', { token: user.token })).status).toBe(200);
    }
    const done = await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo)], { token: users[0]!.token, headers: { prefer: 'wait=20' } });
    expect(done.status, done.text).toBe(200);
    expect(done.body.status).toBe('SUCCEEDED');
    expect((await http.get('/api/health/ready')).status).toBe(200);

    // Money: every accepted job settles and the ledger holds.
    db = await dep.db();
    await waitFor('every job to settle', async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM background_removal_jobs WHERE status IN ('QUEUED','PROCESSING')`);
      return rows[0].n === 0;
    }, 60_000, 500);
    expect(await ledgerMismatches(db)).toEqual([]);
    const unpaid = await db.query(
      `SELECT j.id FROM background_removal_jobs j LEFT JOIN credit_transactions t ON t.reference_id = j.id::text AND t.kind = 'CHARGE'
        WHERE j.paid_with = 'CREDITS' AND t.id IS NULL`,
    );
    expect(unpaid.rows, 'jobs without their charge').toEqual([]);
    const accepted = results.filter((r) => r.what === 'remove' && r.res!.status === 202).length;
    const codes = [...new Set(failed.map((r) => `${r.res!.status} ${r.res!.body.code}`))];
    console.log(
      `[postgres-loss] ${results.length} requests, ${failed.length} failed cleanly (${codes.join(', ') || 'none'}), ${accepted} removals accepted; ` +
        `backends terminated: ${killed.reduce((a, b) => a + b, 0)} in ${TERMINATIONS} rounds; recovered after last kill at ${lastKillAt} ms`,
    );
  });

  it('wrote no bearer token or password to the logs', async () => {
    await worker.stop('SIGTERM');
    await api.stop('SIGTERM');
    expectNoSecretsInLogs(dep.logs(), users);
  });
});
