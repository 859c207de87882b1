import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './support/app';
import { expectError } from './support/http';

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
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
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
});
