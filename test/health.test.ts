import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '@app/prisma';
import { createTestApi, createTestWorker } from './support/app';
import { expectError, registerUser } from './support/http';
import { postgresBaseUrl, testEnv } from './support/test-env';
import { waitFor } from './support/wait';

interface Ready {
  status: string;
  ready: boolean;
  checks: { name: string; ok: boolean; detail: string; remedy?: string }[];
}
const check = (body: Ready, name: string) => body.checks.find((c) => c.name === name)!;
const root = join(__dirname, '..');

describe('health', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApi();
  });
  afterAll(() => app.close());

  it('GET /api/health is liveness with no I/O', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('readiness is 503 naming the workers check while no worker consumes the queues, 200 once one does', async () => {
    const before = await app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(before.statusCode).toBe(503);
    const body = before.json<Ready>();
    expect(check(body, 'workers')).toMatchObject({ ok: false });
    expect(check(body, 'workers').remedy).toMatch(/start:worker/);
    for (const name of ['database', 'migrations', 'tables', 'catalog', 'redis', 'storage']) expect(check(body, name).ok, name).toBe(true);
    expect(check(body, 'catalog').detail).toMatch(/background-remover: 4 enabled models; avatar-creator: 4 enabled models/);

    const worker = await createTestWorker();
    try {
      const ready = await waitFor('readiness once a worker consumes', async () => {
        const body = (await app.inject({ method: 'GET', url: '/api/health/ready' })).json<Ready>();
        return body.ready ? body : undefined;
      }, 5_000, 250);
      expect(ready.ready).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('an empty catalogue is named by readiness (and the seed restores it)', async () => {
    const prisma = app.get(PrismaService);
    await prisma.aiModel.updateMany({ where: { appId: 'avatar-creator' }, data: { enabled: false } });
    try {
      const body = (await app.inject({ method: 'GET', url: '/api/health/ready' })).json<Ready>();
      expect(check(body, 'catalog')).toMatchObject({ ok: false });
      expect(check(body, 'catalog').detail).toMatch(/avatar-creator: 0/);
      expect(check(body, 'catalog').remedy).toMatch(/db:seed/);
    } finally {
      await prisma.aiModel.updateMany({ where: { appId: 'avatar-creator' }, data: { enabled: true } });
    }
  });
});

describe('readiness details for strangers (HEALTH_DETAILS=admin, the production default)', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createTestApi({ HEALTH_DETAILS: 'admin' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('anonymous and non-admin callers get status and check names only; an admin gets details and remedies', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/api/health/ready' });
    const body = anonymous.json<Ready>();
    expect(body.checks.length).toBeGreaterThan(5);
    for (const c of body.checks) expect(Object.keys(c).sort()).toEqual(['name', 'ok']);
    expect(anonymous.body).not.toMatch(/remedy|embedded|models|npm run/);

    const user = await registerUser(app, 'health');
    const asUser = (await app.inject({ method: 'GET', url: '/api/health/ready', headers: user.auth })).json<Ready>();
    for (const c of asUser.checks) expect(c.detail).toBeUndefined();

    await app.get(PrismaService).user.update({ where: { id: user.id }, data: { role: 'ADMIN' } });
    const asAdmin = (await app.inject({ method: 'GET', url: '/api/health/ready', headers: user.auth })).json<Ready>();
    expect(check(asAdmin, 'catalog').detail).toMatch(/background-remover: \d+ enabled models/);
  });
});

describe('a database with no migrations applied', () => {
  const dbName = `lumiku_empty_${process.pid}`;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const admin = new Client({ connectionString: `${postgresBaseUrl}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    app = await createTestApi({ DATABASE_URL: `${postgresBaseUrl}/${dbName}` });
  });
  afterAll(async () => {
    await app.close();
    const admin = new Client({ connectionString: `${postgresBaseUrl}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });

  it('readiness names the pending migration and missing tables; product endpoints answer 503 SCHEMA_NOT_MIGRATED', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(res.statusCode).toBe(503);
    const body = res.json<Ready>();
    expect(check(body, 'migrations')).toMatchObject({ ok: false });
    expect(check(body, 'migrations').detail).toMatch(/pending: \d+_init/);
    expect(check(body, 'migrations').remedy).toMatch(/db:deploy/);
    expect(check(body, 'tables').detail).toMatch(/missing: .*users/);

    const register = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'x@example.com', password: 'long enough pw' } });
    expectError(register, 503, 'SCHEMA_NOT_MIGRATED');
  });

  it('`npm run doctor` reports the same and exits non-zero', () => {
    let out = '';
    let code = 0;
    try {
      execFileSync('node', ['dist/apps/cli/src/main.js', 'doctor'], {
        cwd: root,
        env: { ...process.env, ...testEnv, DATABASE_URL: `${postgresBaseUrl}/${dbName}` },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (err) {
      code = (err as { status: number }).status;
      out = (err as { stdout: string }).stdout;
    }
    expect(code).toBe(1);
    expect(out).toMatch(/\[FAIL\] migrations\s+0\/\d+ applied; pending: \d+_init/);
    expect(out).toMatch(/NOT READY/);
  });
});
