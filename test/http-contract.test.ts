import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './support/app';
import { expectError, registerUser } from './support/http';

describe('HTTP contract', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApi();
  });
  afterAll(() => app.close());

  it('unknown route → 404 in the error shape', async () => {
    expectError(await app.inject({ method: 'GET', url: '/api/nope' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('malformed JSON → 400 in the error shape, no parser internals', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expectError(res, 400, 'BAD_REQUEST');
  });

  it('oversized JSON body → 413', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('X-Request-Id: a well-formed one is echoed, a malicious one replaced', async () => {
    const kept = await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'client-abc.123' } });
    expect(kept.headers['x-request-id']).toBe('client-abc.123');
    const replaced = await app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': 'bad id\u0000<script>' } });
    const body = expectError(replaced, 404, 'ROUTE_NOT_FOUND');
    expect(body.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('responses carry nosniff', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('Swagger UI and JSON are served with bearer auth declared', async () => {
    const json = await app.inject({ method: 'GET', url: '/api/docs-json' });
    expect(json.statusCode).toBe(200);
    const doc = json.json<{ paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/register', '/api/auth/me', '/api/health/ready']));
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
    const ui = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('GET /pricing: strong ETag and a short public Cache-Control; 304 with no body on If-None-Match (exact, weak, listed, *)', async () => {
    const first = await app.inject({ method: 'GET', url: '/api/background-remover/pricing' });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{16,}"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=30');
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.json<{ tiers: unknown[] }>().tiers.length).toBeGreaterThan(0);

    const again = await app.inject({ method: 'GET', url: '/api/background-remover/pricing' });
    expect(again.headers.etag).toBe(etag);
    expect(again.body).toBe(first.body);

    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const cached = await app.inject({ method: 'GET', url: '/api/background-remover/pricing', headers: { 'if-none-match': ifNoneMatch } });
      expect(cached.statusCode, ifNoneMatch).toBe(304);
      expect(cached.body).toBe('');
      expect(cached.headers.etag).toBe(etag);
    }
    const stale = await app.inject({ method: 'GET', url: '/api/background-remover/pricing', headers: { 'if-none-match': '"something-else"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toBe(first.body);
  });

  it('GET /apps/avatar-creator/models: per-user ETag with private, no-cache; 304 when unchanged', async () => {
    const user = await registerUser(app, 'etag');
    const first = await app.inject({ method: 'GET', url: '/api/apps/avatar-creator/models', headers: user.auth });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{16,}"$/);
    const cached = await app.inject({ method: 'GET', url: '/api/apps/avatar-creator/models', headers: { ...user.auth, 'if-none-match': etag } });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
    const anonymous = await app.inject({ method: 'GET', url: '/api/apps/avatar-creator/models', headers: { 'if-none-match': etag } });
    expectError(anonymous, 401, 'UNAUTHORIZED');
  });
});
