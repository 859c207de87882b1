import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageService } from '@app/storage';
import { createTestApi } from './support/app';

describe('/storage serving', () => {
  let app: NestFastifyApplication;
  let storage: StorageService;

  beforeAll(async () => {
    app = await createTestApi();
    storage = app.get(StorageService);
  });
  afterAll(() => app.close());

  it('serves public files written after the API started, with nosniff', async () => {
    const key = `tests/${Date.now()}/late-file.png`;
    const bytes = Buffer.from('89504e470d0a1a0a', 'hex');
    await storage.put('public', key, bytes, { contentType: 'image/png' });
    const res = await app.inject({ method: 'GET', url: storage.publicUrl(key) });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-type']).toBe('image/png');
  });

  it('never serves the private area, dotfiles, directory listings or traversal', async () => {
    const key = `tests/${Date.now()}/secret.png`;
    const secret = `secret-${Date.now()}`;
    await storage.put('private', key, Buffer.from(secret));
    await storage.put('public', `tests/listing/a.png`, Buffer.from('x'));
    for (const url of [
      `/storage/${key}`,
      `/storage/../private/${key}`,
      `/storage/%2e%2e/private/${key}`,
      `/storage/..%2fprivate%2f${key.replace(/\//g, '%2f')}`,
      '/storage/tests/listing/',
      '/storage/tests/listing',
      '/storage/.health',
      '/storage/',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain(secret);
    }
  });
});
