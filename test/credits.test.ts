import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { PrismaService } from '@app/prisma';
import { createTestApi } from './support/app';
import { expectError, registerUser } from './support/http';

describe('credits (real PostgreSQL)', () => {
  let app: NestFastifyApplication;
  let credits: CreditsService;
  let prisma: PrismaService;

  beforeAll(async () => {
    app = await createTestApi();
    credits = app.get(CreditsService);
    prisma = app.get(PrismaService);
  });
  afterAll(() => app.close());

  async function ledgerSum(userId: string): Promise<number> {
    const agg = await prisma.creditTransaction.aggregate({ where: { userId }, _sum: { amount: true } });
    return agg._sum.amount ?? 0;
  }

  it('250 concurrent charges on one wallet: exactly the affordable number succeed, no overdraft, balance == sum(ledger)', async () => {
    const user = await registerUser(app, 'wallet');
    // 100 signup credits; top up to 1000 so exactly 1000 / 7 = 142 charges of 7 are affordable.
    await credits.grant(user.id, 900, { referenceType: 'test_topup', referenceId: randomUUID() });
    const results = await Promise.allSettled(
      Array.from({ length: 250 }, () => credits.charge(user.id, 7, { referenceType: 'test_charge', referenceId: randomUUID() })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(142);
    expect(rejected).toHaveLength(108);
    for (const r of rejected) expect((r.reason as { code?: string }).code).toBe('INSUFFICIENT_CREDITS');

    const balance = await credits.getBalance(user.id);
    expect(balance).toBe(1000 - 142 * 7);
    expect(await ledgerSum(user.id)).toBe(balance);
    const charges = await prisma.creditTransaction.count({ where: { userId: user.id, kind: 'CHARGE' } });
    expect(charges).toBe(142);
  });

  it('charging the same reference twice (even concurrently) debits once; refunds are idempotent too', async () => {
    const user = await registerUser(app, 'idem');
    const ref = { referenceType: 'test_job', referenceId: randomUUID() };
    const results = await Promise.all(Array.from({ length: 20 }, () => credits.charge(user.id, 10, ref)));
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await credits.getBalance(user.id)).toBe(90);

    const refunds = await Promise.all(Array.from({ length: 20 }, () => credits.refund(user.id, 10, ref)));
    expect(refunds.filter((r) => r.applied)).toHaveLength(1);
    expect(await credits.getBalance(user.id)).toBe(100);
    expect(await ledgerSum(user.id)).toBe(100);
  });

  it('insufficient credits → INSUFFICIENT_CREDITS with required and balance, nothing written', async () => {
    const user = await registerUser(app, 'poor');
    await expect(credits.charge(user.id, 101, { referenceType: 'test', referenceId: randomUUID() })).rejects.toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      details: { required: 101, balance: 100 },
    });
    expect(await prisma.creditTransaction.count({ where: { userId: user.id } })).toBe(1); // the signup grant
  });

  it('the database refuses a negative balance even if code tried', async () => {
    const user = await registerUser(app, 'check');
    await expect(prisma.user.update({ where: { id: user.id }, data: { creditBalance: -1 } })).rejects.toThrow();
  });

  it('GET /api/credits/balance and cursor-paginated /transactions', async () => {
    const user = await registerUser(app, 'ledger');
    for (let i = 0; i < 5; i++) await credits.charge(user.id, 1, { referenceType: 'test_page', referenceId: randomUUID() });

    const balance = await app.inject({ method: 'GET', url: '/api/credits/balance', headers: user.auth });
    expect(balance.json()).toEqual({ balance: 95 });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/credits/transactions?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await app.inject({ method: 'GET', url, headers: user.auth });
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: { id: string; amount: number; kind: string }[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);

    expectError(await app.inject({ method: 'GET', url: '/api/credits/transactions?cursor=garbage', headers: user.auth }), 400, 'VALIDATION_FAILED');
    expectError(await app.inject({ method: 'GET', url: '/api/credits/transactions?limit=1000', headers: user.auth }), 400, 'VALIDATION_FAILED');
  });

  it('admin grant: 403 for users, idempotent per grantId for admins', async () => {
    const user = await registerUser(app, 'target');
    const admin = await registerUser(app, 'admin');
    await prisma.user.update({ where: { id: admin.id }, data: { role: 'ADMIN' } });
    const payload = { email: user.email, amount: 50, reason: 'goodwill', grantId: `g-${randomUUID()}` };

    expectError(await app.inject({ method: 'POST', url: '/api/admin/credits/grant', headers: user.auth, payload }), 403, 'FORBIDDEN');
    const first = await app.inject({ method: 'POST', url: '/api/admin/credits/grant', headers: admin.auth, payload });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ userId: user.id, applied: true, balance: 150 });
    const again = await app.inject({ method: 'POST', url: '/api/admin/credits/grant', headers: admin.auth, payload });
    expect(again.json()).toMatchObject({ applied: false, balance: 150 });
    expectError(
      await app.inject({ method: 'POST', url: '/api/admin/credits/grant', headers: admin.auth, payload: { ...payload, amount: -5 } }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
