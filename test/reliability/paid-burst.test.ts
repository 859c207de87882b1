import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { image, ledgerMismatches, LiveClient, LiveUser } from '../support/live-http';

/**
 * Scenario: bursts of paid single removals (`Prefer: wait=0`) against a real api + worker in production mode with the
 * default pool of 10: 300 requests at concurrency 50 and 100, from 1 user and spread over 25. Every answer is 202 (or
 * 200), or 503/429 WITH Retry-After; never a 500. Every accepted job then ends SUCCEEDED, every balance equals its
 * ledger, and the api is still ready.
 */
const REQUESTS = 300;

interface BurstResult {
  statuses: Record<number, number>;
  withoutRetryAfter: number;
  acceptedIds: string[];
}

describe('paid burst', () => {
  const dep = new Deployment('paidburst', {
    env: {
      NODE_ENV: 'production',
      WEBHOOK_SIGNING_SECRET: 'reliability-only-webhook-secret-0123456789',
      AI_PROVIDER_MAP: '*=embedded',
    },
  });
  let http: LiveClient;
  let db: Client;
  let photo: Buffer;
  const users: LiveUser[] = [];

  beforeAll(async () => {
    await dep.createDatabase();
    const api = await dep.startApi();
    await dep.startWorker({ WORKER_CONCURRENCY: '2' });
    http = new LiveClient(api.baseUrl);
    db = await dep.db();
    photo = await productPhoto(200, 150);
    for (let i = 0; i < 25; i++) users.push(await http.register('burst'));
    // Enough credits for every request of every scenario (3 credits each at the basic tier), granted through the ledger.
    for (const user of users) {
      await db.query(
        `WITH u AS (UPDATE users SET credit_balance = credit_balance + $2 WHERE id = $1 RETURNING credit_balance)
         INSERT INTO credit_transactions (id, user_id, amount, balance_after, kind, reference_type, reference_id, description)
         SELECT gen_random_uuid(), $1, $2, credit_balance, 'GRANT', 'drill_topup', gen_random_uuid()::text, 'paid burst drill' FROM u`,
        [user.id, 4 * REQUESTS * 3],
      );
    }
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await dep.destroy();
  });

  async function burst(concurrency: number, from: LiveUser[]): Promise<BurstResult> {
    const result: BurstResult = { statuses: {}, withoutRetryAfter: 0, acceptedIds: [] };
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < REQUESTS) {
          const user = from[next++ % from.length]!;
          const res = await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo)], {
            token: user.token,
            headers: { prefer: 'wait=0' },
            timeoutMs: 60_000,
          });
          result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
          if (res.status === 200 || res.status === 202) result.acceptedIds.push(res.body.id as string);
          else if ((res.status === 503 || res.status === 429) && !res.headers.get('retry-after')) result.withoutRetryAfter++;
        }
      }),
    );
    return result;
  }

  for (const [concurrency, userCount] of [[50, 1], [50, 25], [100, 1], [100, 25]] as const) {
    it(`${REQUESTS} paid removals at concurrency ${concurrency} from ${userCount} user(s): accepted or shed with Retry-After, never 500`, async () => {
      const result = await burst(concurrency, users.slice(0, userCount));
      const ctx = JSON.stringify(result.statuses);
      for (const status of Object.keys(result.statuses).map(Number)) expect([200, 202, 429, 503], ctx).toContain(status);
      expect(result.withoutRetryAfter, ctx).toBe(0);
      // At 50 the admission queue absorbs the burst: nothing is shed.
      if (concurrency === 50) expect(result.acceptedIds.length, ctx).toBe(REQUESTS);
      expect(result.acceptedIds.length, ctx).toBeGreaterThan(0);

      // Every accepted job is processed to SUCCEEDED.
      await waitFor('every accepted job to succeed', async () => {
        const { rows } = await db.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM background_removal_jobs WHERE id = ANY($1::uuid[]) GROUP BY status',
          [result.acceptedIds],
        );
        const failed = rows.find((r) => r.status === 'FAILED');
        if (failed) throw new Error(`failed jobs: ${JSON.stringify(rows)}`);
        return rows.length === 1 && rows[0]!.status === 'SUCCEEDED' && rows[0]!.n === result.acceptedIds.length;
      }, 150_000, 500);
      expect(await ledgerMismatches(db)).toEqual([]);
      const ready = await http.get('/api/health/ready');
      expect(ready.status, ready.text).toBe(200);
    });
  }

  it('the api and worker logged no unexpected error', async () => {
    // Stopped first, so every line they logged is written (lines reach stdout in batches).
    await Promise.all(dep.processes.map((p) => p.stop('SIGTERM')));
    expect(dep.logs()).not.toMatch(/"level":(50|60)/);
  });
});
