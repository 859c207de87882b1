import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { PrismaService } from '@app/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, createTestWorker } from './support/app';
import { registerUser } from './support/http';
import { productPhoto } from './support/images';
import { multipart } from './support/multipart';
import { TEST_DB_NAME, testEnv } from './support/test-env';
import { waitFor } from './support/wait';

/**
 * Batch event streams are driven by queue events, not polling: open streams on an idle batch make no database
 * queries, and every stream still sees the final state as soon as the worker finishes the batch.
 */
describe('batch event streams (SSE) without polling', () => {
  const STREAMS = 20;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext | undefined;
  let baseUrl: string;
  let db: Client;

  beforeAll(async () => {
    app = await createTestApi({ SSE_MAX_STREAMS_PER_USER: String(STREAMS) });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    db = new Client({ connectionString: testEnv.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await worker?.close();
    await app.close();
    await db.end();
  });

  /** Transactions committed in the test database so far, as PostgreSQL's statistics report them. */
  async function transactions(): Promise<number> {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await db.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [TEST_DB_NAME]);
    return Number(rows[0]!.n);
  }

  function openStream(path: string, authorization: string) {
    let text = '';
    let close = () => undefined as void;
    const ended = new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${baseUrl}${path}`, { headers: { authorization } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
      close = () => req.destroy();
    });
    return { ended, close: () => close(), text: () => text };
  }

  it(`${STREAMS} open streams on an idle batch make no queries; all of them see it complete`, async () => {
    const user = await registerUser(app, 'sse-idle');
    const files = await Promise.all([0, 1, 2].map(async (i) => ({ field: 'images', filename: `s${i}.jpg`, contentType: 'image/jpeg', data: await productPhoto(100 + i, 80) })));
    const body = multipart({ tier: 'basic' }, files);
    const created = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
    expect(created.statusCode, created.body).toBe(202);
    const path = `/api/background-remover/batch/${created.json<{ id: string }>().id}/events`;

    const streams = Array.from({ length: STREAMS }, () => openStream(path, user.auth.authorization));
    // Every stream has sent its first (queued) progress event: setup queries are over.
    await waitFor('every stream to send its first progress event', async () => streams.every((s) => s.text().includes('event: progress')), 10_000, 50);
    expect(streams.every((s) => s.text().includes('"status":"QUEUED"'))).toBe(true);

    await new Promise((r) => setTimeout(r, 1_500)); // let the statistics of the setup queries settle
    const before = await transactions();
    await new Promise((r) => setTimeout(r, 4_000)); // the idle window measured (a duration, not a wait for something)
    const during = (await transactions()) - before;
    // Polling once a second per stream would be ~80 here; the only ones left are this test's own reads.
    expect(during).toBeLessThanOrEqual(3);
    // The measure does see the app's queries: 10 reads through its pool show up.
    const control = await transactions();
    for (let i = 0; i < 10; i++) await app.get(PrismaService).user.count();
    await waitFor('the 10 reads to show in the statistics', async () => (await transactions()) - control >= 10, 10_000, 100);

    worker = await createTestWorker();
    const texts = await Promise.all(streams.map((s) => s.ended));
    for (const text of texts) {
      expect(text).toMatch(/"status":"COMPLETED"/);
      expect(text).toMatch(/event: end/);
    }
  }, 60_000);
});
