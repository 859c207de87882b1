import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { NestedConnectionError, PrismaService } from '@app/prisma';
import { createTestApi, testConfig } from './support/app';
import { expectError, registerUser } from './support/http';
import { productPhoto } from './support/images';
import { multipart } from './support/multipart';

/**
 * The paid path under concurrency, on the real PostgreSQL and Redis: more concurrent paid requests than the pool has
 * connections must all be accepted (no nested acquisition can deadlock the pool), concurrent subscribes charge once,
 * and the transaction guard refuses a root-client query made inside a transaction.
 */
describe('paid path under concurrency', () => {
  const POOL = 3;
  let app: NestFastifyApplication;
  let prisma: PrismaService;
  let credits: CreditsService;

  beforeAll(async () => {
    app = await createTestApi({ DATABASE_POOL_SIZE: String(POOL), RATE_LIMIT_ENABLED: 'false' });
    prisma = app.get(PrismaService);
    credits = app.get(CreditsService);
  });
  afterAll(async () => {
    await app.close();
  });

  const ledgerSum = async (userId: string) => (await prisma.creditTransaction.aggregate({ where: { userId }, _sum: { amount: true } }))._sum.amount;
  const balance = (userId: string) => credits.getBalance(userId);

  it('the guard throws when the root client is queried inside an interactive transaction', async () => {
    const guarded = new PrismaService(testConfig({ DATABASE_POOL_SIZE: '2', DATABASE_TX_GUARD: 'throw' }));
    try {
      await expect(guarded.$transaction(async (tx) => {
        await tx.user.count();
        return guarded.user.count(); // the mistake: not through tx
      })).rejects.toBeInstanceOf(NestedConnectionError);
      await expect(guarded.$transaction(async () => guarded.$queryRaw`SELECT 1`)).rejects.toBeInstanceOf(NestedConnectionError);
      // Through tx, and outside any transaction, the same queries are fine.
      await expect(guarded.$transaction(async (tx) => tx.user.count())).resolves.toBeTypeOf('number');
      await expect(guarded.user.count()).resolves.toBeTypeOf('number');
    } finally {
      await guarded.$disconnect();
    }
  });

  it(`${POOL * 8} concurrent paid removals on a pool of ${POOL} are all accepted and charged exactly`, async () => {
    const user = await registerUser(app, 'burst');
    await credits.grant(user.id, 1000, { referenceType: 'test_topup', referenceId: randomUUID() });
    const photo = await productPhoto(160, 120);
    const n = POOL * 8;
    const responses = await Promise.all(
      Array.from({ length: n }, () => {
        const body = multipart({ tier: 'basic' }, [{ field: 'image', filename: 'p.jpg', contentType: 'image/jpeg', data: photo }]);
        return app.inject({
          method: 'POST',
          url: '/api/background-remover/remove',
          payload: body.payload,
          headers: { ...body.headers, ...user.auth, prefer: 'wait=0' },
        });
      }),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(n).fill(202));
    const jobs = await prisma.backgroundRemovalJob.count({ where: { userId: user.id } });
    expect(jobs).toBe(n);
    expect(await balance(user.id)).toBe(1100 - n * 3);
    expect(await ledgerSum(user.id)).toBe(await balance(user.id));
  });

  it('10 concurrent subscribes charge exactly once; the others get 409', async () => {
    const user = await registerUser(app, 'subrace');
    await credits.grant(user.id, 4900, { referenceType: 'test_topup', referenceId: randomUUID() });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.inject({ method: 'POST', url: '/api/background-remover/subscription', headers: user.auth, payload: { plan: 'pro' } }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    for (const r of responses.filter((x) => x.statusCode === 409)) expectError(r, 409, 'CONFLICT');
    const charges = await prisma.creditTransaction.findMany({ where: { userId: user.id, kind: 'CHARGE' } });
    expect(charges).toHaveLength(1);
    expect(charges[0]!.amount).toBe(-1200);
    const sub = await prisma.backgroundRemoverSubscription.findUniqueOrThrow({ where: { userId: user.id } });
    expect(charges[0]!.referenceId).toBe(sub.purchaseId);
    expect(await balance(user.id)).toBe(5000 - 1200);
    expect(await ledgerSum(user.id)).toBe(await balance(user.id));

    // Cancelling and buying again is a new purchase with its own charge reference.
    expect((await app.inject({ method: 'DELETE', url: '/api/background-remover/subscription', headers: user.auth })).statusCode).toBe(200);
    const again = await app.inject({ method: 'POST', url: '/api/background-remover/subscription', headers: user.auth, payload: { plan: 'pro' } });
    expect(again.statusCode, again.body).toBe(201);
    const renewed = await prisma.backgroundRemoverSubscription.findUniqueOrThrow({ where: { userId: user.id } });
    expect(renewed.purchaseId).not.toBe(sub.purchaseId);
    expect(await prisma.creditTransaction.count({ where: { userId: user.id, kind: 'CHARGE' } })).toBe(2);
    expect(await ledgerSum(user.id)).toBe(await balance(user.id));
  });
});
