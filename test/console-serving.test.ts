import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConsoleRoot } from '../apps/api/src/console/console-files';
import { buildOpenApiDocument } from '../apps/api/src/common/swagger';
import { createTestApi } from './support/app';
import { expectError } from './support/http';

/** How the API serves the built /console page (no browser needed; test/console.e2e.test.ts runs it in one). */
describe('console page serving', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    if (!findConsoleRoot()) throw new Error('dist/console is missing: run `npm run build` first (it assembles the console page)');
    app = await createTestApi();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('/console redirects to /console/, which is the page with a strict CSP; its modules are JavaScript', async () => {
    const bare = await app.inject({ method: 'GET', url: '/console' });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/console/');

    const page = await app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<title>Lumiku console</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');

    for (const module of ['/console/js/app.js', '/console/vendor/lumiku-client/index.js', '/console/vendor/openapi-fetch.js']) {
      const res = await app.inject({ method: 'GET', url: module });
      expect(res.statusCode, module).toBe(200);
      expect(res.headers['content-type'], module).toMatch(/^application\/javascript/);
      expect(res.body, module).not.toMatch(/from ['"]openapi-fetch['"]/); // bare imports would fail in the browser
    }
  });

  it('unknown paths under /console get the page (it routes by hash); nothing escapes its folder; it is not under /api', async () => {
    const deep = await app.inject({ method: 'GET', url: '/console/avatars' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<title>Lumiku console</title>');
    expect((await app.inject({ method: 'GET', url: '/console/../package.json' })).body).not.toContain('"lumiku-backend"');
    expect((await app.inject({ method: 'GET', url: '/console/%2e%2e/package.json' })).body).not.toContain('"lumiku-backend"');
    expectError(await app.inject({ method: 'GET', url: '/api/console' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('is not part of the API contract: no /console path in the OpenAPI document', () => {
    const paths = Object.keys(buildOpenApiDocument(app).paths);
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((path) => !path.startsWith('/api/'))).toEqual([]);
  });
});
