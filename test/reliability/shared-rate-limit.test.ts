import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, freePort, OwnRedis, sleep, waitFor } from '../support/deployment';
import { LiveClient, LiveUser } from '../support/live-http';

/**
 * Scenario: two api processes behind one (imaginary) load balancer share a Redis. A user's per-minute limit is the
 * configured number across both, not twice it. While Redis is down the limiter fails open (requests are served, a
 * warning is logged) and it counts again once Redis is back.
 */
const LIMIT = 10;

describe('rate limits shared across api replicas', () => {
  let redis: OwnRedis;
  let dep: Deployment;
  let apis: LiveClient[];
  let user: LiveUser;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    dep = new Deployment('sharedlimit', { env: { REDIS_URL: redis.url, RATE_LIMIT_USER_PER_MINUTE: String(LIMIT) } });
    await dep.createDatabase();
    apis = [new LiveClient((await dep.startApi()).baseUrl), new LiveClient((await dep.startApi()).baseUrl)];
    user = await apis[0]!.register('limit');
  }, 120_000);

  afterAll(async () => {
    await dep?.destroy();
    await redis?.stop();
  });

  it(`${LIMIT} requests per minute in total, alternating between the two processes`, async () => {
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) {
      const res = await apis[i % 2]!.get('/api/auth/me', { token: user.token });
      statuses.push(res.status);
      if (res.status === 200) {
        expect(res.headers.get('x-ratelimit-limit-user')).toBe(String(LIMIT));
        remaining.push(res.headers.get('x-ratelimit-remaining-user')!);
      }
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(LIMIT);
    // Counted across both processes: each answer knows the other's requests.
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => String(LIMIT - 1 - i)));
  });

  it('fails open while Redis is down, and limits again when it is back', async () => {
    const other = await apis[1]!.register('limit2');
    await redis.stop();
    for (let i = 0; i < LIMIT + 2; i++) expect((await apis[i % 2]!.get('/api/auth/me', { token: other.token })).status).toBe(200);
    // Log lines reach stdout in batches, within LOG_LINGER_MS when traffic is light.
    await waitFor('the fail-open warning in the logs', async () => /rate limits are not enforced/.test(dep.logs()), 5_000);

    await redis.start();
    // The api reconnects within a few seconds; until then requests are still served.
    const statuses: number[] = [];
    const deadline = Date.now() + 20_000;
    for (let i = 0; !statuses.includes(429) && Date.now() < deadline; i++) {
      statuses.push((await apis[i % 2]!.get('/api/auth/me', { token: other.token })).status);
      await sleep(100);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(LIMIT);
  });
});
