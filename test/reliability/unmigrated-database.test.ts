import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, ROOT, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { expectLiveError, image, LiveClient, LiveUser, signTestJwt } from '../support/live-http';
import { expectNoSecretsInLogs } from './secrets';

/**
 * Scenario 4: the api starts on a fresh, EMPTY database (created, never migrated). Readiness names the pending
 * migrations and missing tables; product endpoints answer 503 SCHEMA_NOT_MIGRATED (never 500). Then the deploy
 * step runs against it and the same process serves normally.
 */
interface Ready {
  ready: boolean;
  checks: { name: string; ok: boolean; detail: string; remedy?: string }[];
}

const migrations = readdirSync(join(ROOT, 'prisma/migrations')).filter((n) => statSync(join(ROOT, 'prisma/migrations', n)).isDirectory());

describe('a fresh empty database', () => {
  const dep = new Deployment('unmigrated');
  let api: Awaited<ReturnType<Deployment['startApi']>>;
  let http: LiveClient;
  const users: LiveUser[] = [];

  beforeAll(async () => {
    await dep.createDatabase('empty');
    api = await dep.startApi();
    http = new LiveClient(api.baseUrl);
  });
  afterAll(() => dep.destroy());

  it('readiness names the pending migrations and missing tables', async () => {
    expect(migrations.length).toBeGreaterThan(0);
    const res = await http.get<Ready>('/api/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.ready).toBe(false);
    const check = (name: string) => res.body.checks.find((c) => c.name === name)!;
    expect(check('database').ok).toBe(true);
    expect(check('migrations').ok).toBe(false);
    for (const name of migrations) expect(check('migrations').detail).toContain(name);
    expect(check('migrations').detail).toMatch(/pending:/);
    expect(check('migrations').remedy).toMatch(/db:deploy/);
    expect(check('tables')).toMatchObject({ ok: false });
    expect(check('tables').detail).toMatch(/missing: .*users/);
    expect(check('catalog').ok).toBe(false);
  });

  it('product endpoints answer 503 SCHEMA_NOT_MIGRATED, and the process stays up', async () => {
    const pid = api.pid;
    const token = signTestJwt(dep.env.JWT_SECRET!, randomUUID());
    const password = `pw-${randomUUID()}`;
    users.push({ id: '', email: '', password, token, auth: { authorization: `Bearer ${token}` } });
    const photo = await productPhoto(120, 90);
    const calls = [
      http.post('/api/auth/register', { json: { email: `a-${randomUUID()}@example.com`, password } }),
      http.post('/api/auth/login', { json: { email: 'nobody@example.com', password } }),
      http.get('/api/auth/me', { token }),
      http.get('/api/background-remover/pricing', { token }),
      http.post('/api/background-remover/pricing/calculate', { token, json: { tier: 'basic', imageCount: 3 } }),
      http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo)], { token }),
      http.get('/api/background-remover/jobs', { token }),
      http.get('/api/background-remover/stats', { token }),
      http.get('/api/apps/avatar-creator/projects', { token }),
      http.get('/api/apps/avatar-creator/models', { token }),
    ];
    for (const res of await Promise.all(calls)) expectLiveError(res, 503, 'SCHEMA_NOT_MIGRATED');
    expect((await http.get('/api/health')).status).toBe(200);
    expect(api.running).toBe(true);
    expect(api.pid).toBe(pid);
  });

  it('after `migrate deploy` + seed, the same api process serves (no restart)', async () => {
    const pid = api.pid;
    const env = { ...process.env, DATABASE_URL: dep.env.DATABASE_URL };
    execFileSync(process.execPath, ['scripts/prisma.js', 'migrate', 'deploy'], { cwd: ROOT, env, stdio: 'pipe' });
    expect((await dep.cli(['seed'])).code).toBe(0);
    const user = await http.register('unmigrated');
    users.push(user);
    expect((await http.get('/api/background-remover/pricing', { token: user.token })).status).toBe(200);
    await dep.startWorker();
    const ready = await waitFor('readiness 200', async () => {
      const res = await http.get<Ready>('/api/health/ready');
      return res.status === 200 ? res.body : undefined;
    }, 30_000);
    expect(ready.checks.find((c) => c.name === 'migrations')!.detail).toBe(`${migrations.length}/${migrations.length} applied`);
    expect(api.pid).toBe(pid);
  });

  it('wrote no bearer token or password to the logs', async () => {
    await Promise.all(dep.processes.map((p) => p.stop('SIGTERM')));
    expectNoSecretsInLogs(dep.logs(), users);
  });
});
