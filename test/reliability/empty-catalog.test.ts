import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { balanceOf, expectLiveError, image, ledgerMismatches, LiveClient, LiveUser } from '../support/live-http';
import { expectNoSecretsInLogs } from './secrets';

/**
 * Scenario 5: the AI model catalogue is emptied under a running api + worker. Readiness names it; generation and
 * pricing answer 503 CATALOG_EMPTY (nothing charged); running the seed CLI twice restores it (idempotently) and the
 * same processes serve again.
 */
interface Ready {
  ready: boolean;
  checks: { name: string; ok: boolean; detail: string; remedy?: string }[];
}
const AVATAR = '/api/apps/avatar-creator';
const GENERATE = { prompt: 'a friendly portrait, soft light', name: 'Ada', width: 256, height: 256 };

describe('an empty AI model catalogue', () => {
  const dep = new Deployment('catalog');
  let api: Awaited<ReturnType<Deployment['startApi']>>;
  let http: LiveClient;
  let db: Client;
  let user: LiveUser;
  let projectId: string;
  let seededCount: number;

  beforeAll(async () => {
    await dep.createDatabase();
    api = await dep.startApi();
    await dep.startWorker();
    http = new LiveClient(api.baseUrl);
    db = await dep.db();
    user = await http.register('catalog');
    const project = await http.post(`${AVATAR}/projects`, { token: user.token, json: { name: 'Catalogue' } });
    expect(project.status, project.text).toBe(201);
    projectId = project.body.id;
    await waitFor('readiness 200', async () => (await http.get('/api/health/ready')).status === 200, 30_000);
    expect((await http.get('/api/background-remover/pricing', { token: user.token })).status).toBe(200);
    seededCount = (await db.query('SELECT count(*)::int AS n FROM ai_models')).rows[0].n;
    expect(seededCount).toBeGreaterThanOrEqual(8);
  });
  afterAll(async () => {
    await db?.end();
    await dep.destroy();
  });

  it('readiness names the empty catalogue per app; generate and pricing answer 503 CATALOG_EMPTY with nothing charged', async () => {
    await db.query('DELETE FROM ai_models');

    const ready = await http.get<Ready>('/api/health/ready');
    expect(ready.status).toBe(503);
    const catalog = ready.body.checks.find((c) => c.name === 'catalog')!;
    expect(catalog.ok).toBe(false);
    expect(catalog.detail).toMatch(/background-remover: 0 enabled models/);
    expect(catalog.detail).toMatch(/avatar-creator: 0 enabled models/);
    expect(catalog.remedy).toMatch(/db:seed/);

    const generate = await http.post(`${AVATAR}/projects/${projectId}/avatars/generate`, { token: user.token, json: GENERATE });
    expectLiveError(generate, 503, 'CATALOG_EMPTY');
    expectLiveError(await http.get(`${AVATAR}/models`, { token: user.token }), 503, 'CATALOG_EMPTY');
    // The pricing read may be served from its few-seconds cache; it must turn into 503 CATALOG_EMPTY, not a 500.
    const pricing = await waitFor('pricing to answer 503', async () => {
      const res = await http.get('/api/background-remover/pricing', { token: user.token });
      expect(res.status === 200 || res.status === 503, res.text).toBe(true);
      return res.status === 503 ? res : undefined;
    }, 10_000, 250);
    expectLiveError(pricing, 503, 'CATALOG_EMPTY');
    expectLiveError(await http.post('/api/background-remover/pricing/calculate', { token: user.token, json: { tier: 'basic', imageCount: 2 } }), 503, 'CATALOG_EMPTY');
    const remove = await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(await productPhoto(120, 90))], { token: user.token });
    expectLiveError(remove, 503, 'CATALOG_EMPTY');

    expect(await balanceOf(db, user.id)).toBe(100);
    const rows = await db.query(
      `SELECT (SELECT count(*) FROM avatar_generations)::int AS generations, (SELECT count(*) FROM background_removal_jobs)::int AS jobs,
              (SELECT count(*) FROM credit_transactions WHERE kind <> 'GRANT')::int AS movements`,
    );
    expect(rows.rows[0]).toEqual({ generations: 0, jobs: 0, movements: 0 });
  });

  it('`db:seed` twice restores it (idempotent) and the same processes serve again', async () => {
    const pid = api.pid;
    const first = await dep.cli(['seed']);
    expect(first.code, first.stderr).toBe(0);
    const second = await dep.cli(['seed']);
    expect(second.code, second.stderr).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM ai_models')).rows[0].n).toBe(seededCount);

    const ready = await waitFor('readiness 200', async () => {
      const res = await http.get<Ready>('/api/health/ready');
      return res.status === 200 ? res.body : undefined;
    }, 30_000);
    expect(ready.checks.find((c) => c.name === 'catalog')!.ok).toBe(true);
    const pricing = await http.get('/api/background-remover/pricing', { token: user.token });
    expect(pricing.status, pricing.text).toBe(200);
    const generate = await http.post(`${AVATAR}/projects/${projectId}/avatars/generate`, { token: user.token, json: GENERATE });
    expect(generate.status, generate.text).toBe(202);
    const id = generate.body.generation.id;
    const done = await waitFor('the generation to succeed', async () => {
      const res = await http.get(`${AVATAR}/generations/${id}`, { token: user.token });
      return ['SUCCEEDED', 'FAILED'].includes(res.body.status) ? res.body : undefined;
    }, 60_000, 250);
    expect(done.status).toBe('SUCCEEDED');
    expect(await balanceOf(db, user.id)).toBe(100 - generate.body.creditUsed);
    expect(await ledgerMismatches(db)).toEqual([]);
    expect(api.pid).toBe(pid);
  });

  it('wrote no bearer token or password to the logs', async () => {
    await Promise.all(dep.processes.map((p) => p.stop('SIGTERM')));
    expectNoSecretsInLogs(dep.logs(), [user]);
  });
});
