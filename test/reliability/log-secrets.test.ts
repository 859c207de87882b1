import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, LOG_DIR, readLog, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { image, LiveClient, LiveUser } from '../support/live-http';
import { expectNoSecretsInLogs, findSecrets, recordedSecrets, recordSecrets, Secrets } from './secrets';

/**
 * Scenario 8: captured process logs hold no bearer token and no password. This file drives the paths most likely
 * to leak one (login failures, validation errors on password fields, 401s with a token, tokens in the query string,
 * errors while authenticated) against an api and worker logging at `trace`, then searches its own logs AND every log
 * the suite captured so far (each scenario also checks its own at its end) for every secret the suite recorded.
 */
describe('logs contain no bearer token and no password', () => {
  const dep = new Deployment('logsecrets', { env: { LOG_LEVEL: 'trace' } });
  let api: Awaited<ReturnType<Deployment['startApi']>>;
  let http: LiveClient;
  const secrets: Secrets[] = [];

  beforeAll(async () => {
    await dep.createDatabase();
    api = await dep.startApi();
    await dep.startWorker();
    http = new LiveClient(api.baseUrl);
  });
  afterAll(() => dep.destroy());

  it('drives the leak-prone paths', async () => {
    const user: LiveUser = await http.register('logs');
    secrets.push(user);
    const { token, password, email } = user;

    // Login: right and wrong passwords, unknown email, a password in a field that fails validation.
    const login = await http.post('/api/auth/login', { json: { email, password } });
    expect(login.status).toBe(200);
    secrets.push({ token: login.body.accessToken });
    const wrong = `wrong-${randomUUID()}`;
    secrets.push({ password: wrong });
    expect((await http.post('/api/auth/login', { json: { email, password: wrong } })).status).toBe(401);
    expect((await http.post('/api/auth/login', { json: { email: `nobody-${randomUUID()}@example.com`, password: wrong } })).status).toBe(401);
    const tooLong = `long-${randomUUID()}-${'p'.repeat(400)}`;
    secrets.push({ password: tooLong });
    expect((await http.post('/api/auth/register', { json: { email: `x-${randomUUID()}@example.com`, password: tooLong } })).status).toBe(400);
    const short = `s${randomUUID().slice(0, 3)}`;
    expect((await http.post('/api/auth/register', { json: { email: 'not-an-email', password: short, extra: wrong } })).status).toBe(400);
    // Registering an existing email (409) with a fresh password.
    const dupe = `dupe-${randomUUID()}`;
    secrets.push({ password: dupe });
    expect((await http.post('/api/auth/register', { json: { email, password: dupe } })).status).toBe(409);
    // Malformed JSON that carries a password.
    const broken = `broken-${randomUUID()}`;
    secrets.push({ password: broken });
    expect((await http.post('/api/auth/login', { body: `{"email":"${email}","password":"${broken}"`, headers: { 'content-type': 'application/json' } })).status).toBe(400);

    // Bearer tokens: good ones on many routes (including errors and uploads), a tampered one, one in the query.
    expect((await http.get('/api/auth/me', { token })).status).toBe(200);
    expect((await http.get(`/api/background-remover/jobs/${randomUUID()}`, { token })).status).toBe(404);
    expect((await http.get('/api/background-remover/jobs?cursor=nonsense', { token })).status).toBe(400);
    const tampered = `${token.slice(0, -4)}AAAA`;
    secrets.push({ token: tampered });
    expect((await http.get('/api/auth/me', { token: tampered })).status).toBe(401);
    expect((await http.get(`/api/auth/me?access_token=${token}`)).status).toBe(401);
    expect((await http.get('/api/auth/me', { headers: { authorization: `Token ${token}` } })).status).toBe(401);
    expect((await http.get('/api/auth/me', { headers: { cookie: `session=${token}` } })).status).toBe(401);
    const photo = await productPhoto(160, 120);
    const done = await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo)], { token, headers: { prefer: 'wait=20', 'idempotency-key': randomUUID() } });
    expect(done.status, done.text).toBe(200);
    expect((await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(Buffer.from('nope'))], { token })).status).toBe(415);
    const batch = await http.multipart('/api/background-remover/batch', { tier: 'basic' }, [image(photo, 'images'), image(photo, 'images')], { token });
    expect(batch.status).toBe(202);
    await waitFor('the batch', async () => (await http.get(`/api/background-remover/batch/${batch.body.id}`, { token })).body.status === 'COMPLETED', 30_000);
    recordSecrets(...secrets);
  });

  it("this deployment's api and worker logs (at trace level) contain none of them", async () => {
    await Promise.all(dep.processes.map((p) => p.stop('SIGTERM')));
    const logs = dep.logs();
    // The logs are real: request lines were written, so the scan below searched something.
    expect(logs).toMatch(/\/api\/auth\/login/);
    expect(logs).toMatch(/request completed/);
    expectNoSecretsInLogs(logs, secrets);
  });

  it('no log captured by the suite so far contains any secret the suite used', () => {
    const all = [...recordedSecrets(), ...secrets];
    const files = readdirSync(LOG_DIR).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const leaks: string[] = [];
    let bytes = 0;
    for (const file of files) {
      const text = readLog(join(LOG_DIR, file));
      bytes += text.length;
      for (const hit of findSecrets(text, all)) leaks.push(`${file}: ${hit.slice(0, 6)}…`);
    }
    expect(leaks).toEqual([]);
    console.log(`[log-secrets] ${files.length} captured logs (${Math.round(bytes / 1024)} KiB) searched for ${all.length} recorded secrets: none found`);
  });
});
