import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './support/app';
import { expectError } from './support/http';

/**
 * Which limits apply to which route, on the real Redis: every route has the per-IP limit, password endpoints also
 * the stricter "auth" one, signed-in requests the per-user one, and probes none at all. Counters live under a queue
 * prefix of this file's own, so other files' logins from 127.0.0.1 do not count here.
 */
describe('rate limits by route', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApi({
      QUEUE_PREFIX: `lumiku-test-${process.pid}-route-limits`,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_AUTH_PER_MINUTE: '3',
      RATE_LIMIT_IP_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await app.close();
  });

  const login = () =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: 'wrong-password-1' } });

  it('password endpoints: the "auth" limit refuses the 4th attempt in a minute with 429 and Retry-After-auth', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const res = await login();
      expect(res.statusCode).toBe(401);
      expect(res.headers['x-ratelimit-limit-auth']).toBe('3');
      expect(res.headers['x-ratelimit-remaining-auth']).toBe(String(3 - attempt));
    }
    const refused = await login();
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after-auth'])).toBeGreaterThan(0);
  });

  it('other public routes: only the per-IP limit, unaffected by the auth limit', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/background-remover/pricing' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBe('1000');
    expect(res.headers['x-ratelimit-limit-auth']).toBeUndefined();
    expect(res.headers['x-ratelimit-limit-user']).toBeUndefined();
  });

  it('probes: no limit of any kind', async () => {
    for (const url of ['/api/health', '/api/health/ready']) {
      const res = await app.inject({ method: 'GET', url });
      expect(Object.keys(res.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    }
  });
});

describe('rate limits off (RATE_LIMIT_ENABLED=false)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApi({ QUEUE_PREFIX: `lumiku-test-${process.pid}-no-limits`, RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_AUTH_PER_MINUTE: '1' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('no limit is counted or announced', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: 'wrong-password-1' } });
      expect(res.statusCode).toBe(401);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    }
  });
});
