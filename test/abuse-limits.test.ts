import { request as httpRequest, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { PrismaService } from '@app/prisma';
import { createTestApi } from './support/app';
import { expectError, registerUser } from './support/http';
import { productPhoto } from './support/images';
import { multipart } from './support/multipart';
import { waitFor } from './support/wait';

/**
 * Limits that protect the service from cheap abuse, on the real PostgreSQL and Redis: the daily allowance of free
 * test-mode images, and the cap on open event streams per user (both counted in Redis, so they hold across replicas).
 */
describe('abuse limits', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApi({ TEST_MODE_DAILY_LIMIT: '2', SSE_MAX_STREAMS_PER_USER: '1' });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
  });

  it('test mode: the daily allowance is enforced with 429 + Retry-After until midnight UTC, nothing charged', async () => {
    const user = await registerUser(app, 'testmode');
    const photo = await productPhoto(120, 90);
    const send = () => {
      const body = multipart({ tier: 'basic' }, [{ field: 'image', filename: 'p.jpg', contentType: 'image/jpeg', data: photo }]);
      return app.inject({ method: 'POST', url: '/api/background-remover/remove?test=true', payload: body.payload, headers: { ...body.headers, ...user.auth, prefer: 'wait=0' } });
    };
    expect((await send()).statusCode).toBe(202);
    expect((await send()).statusCode).toBe(202);
    const refused = await send();
    const body = expectError(refused, 429, 'RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(body.details).toMatchObject({ allowance: 2 });
    expect(await app.get(CreditsService).getBalance(user.id)).toBe(100);
    expect(await app.get(PrismaService).backgroundRemovalJob.count({ where: { userId: user.id } })).toBe(2);
  });

  it('event streams: one open stream per user (configured), the next is 429 until the first closes', async () => {
    const user = await registerUser(app, 'sse');
    await app.get(CreditsService).grant(user.id, 100, { referenceType: 'test_topup', referenceId: user.id });
    const body = multipart({ tier: 'basic' }, [{ field: 'images', filename: 'a.jpg', contentType: 'image/jpeg', data: await productPhoto(100, 80) }]);
    const batch = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
    expect(batch.statusCode, batch.body).toBe(202);
    const path = `/api/background-remover/batch/${batch.json<{ id: string }>().id}/events`;

    // No worker runs in this file: the batch stays queued and the first stream stays open.
    const first = await openStream(path, user.auth.authorization);
    expect(first.response.statusCode).toBe(200);
    const second = await fetch(`${baseUrl}${path}`, { headers: user.auth });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeTruthy();
    expect(((await second.json()) as { code: string }).code).toBe('RATE_LIMITED');

    first.close();
    await waitFor('a freed stream slot to admit a new stream', async () => {
      const again = await openStream(path, user.auth.authorization);
      again.close();
      return again.response.statusCode === 200;
    }, 10_000, 100);
  });

  function openStream(path: string, authorization: string): Promise<{ response: IncomingMessage; close: () => void }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${baseUrl}${path}`, { headers: { authorization } }, (response) => {
        response.resume();
        resolve({ response, close: () => req.destroy() });
      });
      req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
      req.end();
    });
  }
});
