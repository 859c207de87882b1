import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '@app/prisma';
import { createTestApi } from './support/app';
import { expectError, registerUser, uniqueEmail } from './support/http';

describe('auth', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApi();
  });
  afterAll(() => app.close());

  it('register → 201 with token, free tier, signup grant in balance and ledger; password never returned', async () => {
    const email = uniqueEmail('Reg').toUpperCase();
    const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: 'long enough pw', name: 'Ada' } });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ accessToken: string; tokenType: string; user: Record<string, unknown> }>();
    expect(body.tokenType).toBe('Bearer');
    expect(body.user).toMatchObject({ email: email.toLowerCase(), tier: 'free', role: 'USER', creditBalance: 100, name: 'Ada' });
    expect(res.body).not.toMatch(/password/i);

    const prisma = app.get(PrismaService);
    const ledger = await prisma.creditTransaction.findMany({ where: { userId: body.user.id as string } });
    expect(ledger).toMatchObject([{ kind: 'GRANT', amount: 100, balanceAfter: 100 }]);
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: body.user.id as string } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('duplicate email (any case) → 409 EMAIL_TAKEN', async () => {
    const user = await registerUser(app);
    const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: user.email.toUpperCase(), password: 'another password' } });
    expectError(res, 409, 'EMAIL_TAKEN');
  });

  it('validation: bad email, short password, unknown field → 400 with every field named', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'nope', password: 'short', isAdmin: true } });
    const body = expectError(res, 400, 'VALIDATION_FAILED');
    const fields = (body.details!.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['email', 'isAdmin', 'password']);
  });

  it('password policy: a common password → 400 WEAK_PASSWORD naming the field; nothing is created', async () => {
    const email = uniqueEmail('weak');
    for (const password of ['password123', 'Qwertyuiop', '1234567890']) {
      const body = expectError(await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } }), 400, 'WEAK_PASSWORD');
      expect(body.details).toMatchObject({ fields: [{ field: 'password' }] });
    }
    expect(await app.get(PrismaService).user.findUnique({ where: { email } })).toBeNull();
  });

  it('hostile JSON: 5,000-deep body and NUL characters → 400, never 500', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    for (const url of ['/api/auth/login', '/api/auth/register']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: `{"email":"a@b.co","password":${deep}}` });
      expectError(res, 400, 'VALIDATION_FAILED');
    }
    const nul = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: uniqueEmail('nul'), password: 'long enough pw', name: 'Ada\u0000' } });
    expect(expectError(nul, 400, 'VALIDATION_FAILED').details).toMatchObject({ fields: [{ field: 'body.name' }] });
  });

  it('login: right password → token; wrong password and unknown email → the same 401', async () => {
    const user = await registerUser(app);
    const ok = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: user.password } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ accessToken: string }>().accessToken).toBeTruthy();

    const wrong = expectError(await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'wrong password' } }), 401, 'INVALID_CREDENTIALS');
    const unknown = expectError(await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: uniqueEmail(), password: 'whatever pw' } }), 401, 'INVALID_CREDENTIALS');
    expect(wrong.message).toBe(unknown.message);
  });

  it('GET /api/auth/me needs a valid bearer token', async () => {
    const user = await registerUser(app);
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: user.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: user.email, tier: 'free', creditBalance: 100 });

    expectError(await app.inject({ method: 'GET', url: '/api/auth/me' }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Bearer not.a.jwt' } }), 401, 'UNAUTHORIZED');
    const forged = user.token.slice(0, -4) + 'AAAA';
    expectError(await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${forged}` } }), 401, 'UNAUTHORIZED');
  });
});
