import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '@app/prisma';
import { createTestApi } from './support/app';
import { expectError, registerUser, RegisteredUser } from './support/http';

/** The BullMQ queue UI at /api/admin/queues: admins only (bearer or the admin session cookie), read-only by default. */
describe('admin queue UI', () => {
  let app: NestFastifyApplication;
  let user: RegisteredUser;
  let admin: RegisteredUser;

  beforeAll(async () => {
    app = await createTestApi();
    user = await registerUser(app, 'ops-user');
    admin = await registerUser(app, 'ops-admin');
    await app.get(PrismaService).user.update({ where: { id: admin.id }, data: { role: 'ADMIN' } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('anonymous → 401, a normal user → 403, in the error contract; nothing of the UI is served to them', async () => {
    expectError(await app.inject({ method: 'GET', url: '/api/admin/queues' }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ method: 'GET', url: '/api/admin/queues/api/queues' }), 401, 'UNAUTHORIZED');
    expectError(await app.inject({ method: 'GET', url: '/api/admin/queues', headers: user.auth }), 403, 'FORBIDDEN');
    expectError(await app.inject({ method: 'POST', url: '/api/admin/session', headers: user.auth }), 403, 'FORBIDDEN');
  });

  it('an admin sees the page and the three queues, read-only', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/admin/queues', headers: admin.auth });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await app.inject({ method: 'GET', url: '/api/admin/queues/api/queues', headers: admin.auth });
    expect(api.statusCode, api.body).toBe(200);
    const queues = api.json<{ queues: { name: string; readOnlyMode: boolean }[] }>().queues;
    expect(queues.map((q) => q.name).sort()).toEqual(['avatar-generation', 'background-removal', 'maintenance']);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('a browser signs in with the admin session cookie (no credentials in the URL)', async () => {
    const session = await app.inject({ method: 'POST', url: '/api/admin/session', headers: admin.auth });
    expect(session.statusCode).toBe(204);
    const cookie = String(session.headers['set-cookie']);
    expect(cookie).toMatch(/^lumiku_admin_session=[^;]+; Path=\/api\/admin; HttpOnly; SameSite=Strict; Max-Age=900/);
    const page = await app.inject({ method: 'GET', url: '/api/admin/queues/api/queues', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.statusCode).toBe(200);
    // The user's ordinary bearer token is not a session cookie.
    expectError(await app.inject({ method: 'GET', url: '/api/admin/queues', headers: { cookie: `lumiku_admin_session=${user.token}` } }), 401, 'UNAUTHORIZED');
  });
});
