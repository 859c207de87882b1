import { Readable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageService } from '@app/storage';
import { S3TestServer, startS3TestServer } from '../libs/storage/src/testing/s3-test-server';
import { createTestApi } from './support/app';

/** /storage/<key> with STORAGE_DRIVER=s3: same URLs, same safety as the local static server (test/storage-serving). */
describe('/storage serving from S3 (s3rver on loopback)', () => {
  let s3: S3TestServer;

  beforeAll(async () => {
    s3 = await startS3TestServer(['lumiku']);
  });
  afterAll(async () => {
    await s3?.close();
  });

  async function checkNeverServed(app: NestFastifyApplication, storage: StorageService): Promise<void> {
    const key = `tests/${Date.now()}/secret.png`;
    const secret = `secret-${Date.now()}`;
    await storage.put('private', key, Buffer.from(secret));
    await storage.put('public', 'tests/listing/a.png', Buffer.from('x'));
    for (const url of [
      `/storage/${key}`,
      `/storage/../private/${key}`,
      `/storage/%2e%2e/private/${key}`,
      `/storage/..%2fprivate%2f${key.replace(/\//g, '%2f')}`,
      '/storage/tests/listing/',
      '/storage/tests/listing',
      '/storage/.health',
      '/storage/',
      '/storage/missing/file.png',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      // `/storage/../x` is normalised to `/x` before routing: Nest's ROUTE_NOT_FOUND, same contract.
      expect(res.json(), url).toMatchObject({ statusCode: 404, code: expect.stringMatching(/^(ROUTE_)?NOT_FOUND$/), requestId: expect.any(String) });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers.location, url).toBeUndefined();
      expect(res.body).not.toContain(secret);
    }
  }

  describe('STORAGE_PUBLIC_DELIVERY=stream (default)', () => {
    let app: NestFastifyApplication;
    let storage: StorageService;

    beforeAll(async () => {
      app = await createTestApi(s3.env());
      storage = app.get(StorageService);
    });
    afterAll(() => app?.close());

    it('runs on the S3 driver with no local public root, and storage is writable', async () => {
      expect(storage.driver.name).toBe('s3');
      expect(storage.publicRoot()).toBeNull();
      await expect(storage.checkWritable()).resolves.toBeUndefined();
    });

    it('streams public objects written after the API started, with type, length and nosniff', async () => {
      const key = `tests/${Date.now()}/late-file.png`;
      const bytes = Buffer.from('89504e470d0a1a0a', 'hex');
      await storage.put('public', key, bytes, { contentType: 'image/png' });
      const res = await app.inject({ method: 'GET', url: storage.publicUrl(key) });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(bytes)).toBe(true);
      expect(res.headers).toMatchObject({
        'content-type': 'image/png',
        'content-length': String(bytes.length),
        'x-content-type-options': 'nosniff',
        'cache-control': 'public, max-age=86400, immutable',
      });
      const head = await app.inject({ method: 'HEAD', url: storage.publicUrl(key) });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe(String(bytes.length));
      expect(head.rawPayload.length).toBe(0);
    });

    it('serves a streamed multi-part object (a 6 MiB ZIP) in full', async () => {
      const key = `tests/${Date.now()}/batch.zip`;
      const chunks = Array.from({ length: 6 }, (_, i) => Buffer.alloc(1024 * 1024, i));
      await storage.put('public', key, Readable.from(chunks), { contentType: 'application/zip' });
      const res = await app.inject({ method: 'GET', url: storage.publicUrl(key) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.rawPayload.equals(Buffer.concat(chunks))).toBe(true);
    });

    it('never serves the private area, dotfiles, directory listings, traversal or missing keys', async () => {
      await checkNeverServed(app, storage);
    });

    it('only GET and HEAD', async () => {
      const res = await app.inject({ method: 'DELETE', url: '/storage/tests/listing/a.png' });
      expect(res.statusCode).toBe(404);
      expect(await storage.exists('public', 'tests/listing/a.png')).toBe(true);
    });
  });

  describe('STORAGE_PUBLIC_DELIVERY=redirect', () => {
    let app: NestFastifyApplication;
    let storage: StorageService;

    beforeAll(async () => {
      app = await createTestApi(s3.env({ STORAGE_PUBLIC_DELIVERY: 'redirect', S3_PRESIGN_TTL_SECONDS: '90' }));
      storage = app.get(StorageService);
    });
    afterAll(() => app?.close());

    it('302s to a short-lived presigned URL that serves the object', async () => {
      const key = `tests/${Date.now()}/out.webp`;
      await storage.put('public', key, Buffer.from('RIFF....WEBP'), { contentType: 'image/webp' });
      const res = await app.inject({ method: 'GET', url: storage.publicUrl(key) });
      expect(res.statusCode).toBe(302);
      expect(res.headers['cache-control']).toBe('private, max-age=45');
      const location = String(res.headers.location);
      expect(location.startsWith(`${s3.endpoint}/lumiku/public/${key}?`)).toBe(true);
      expect(location).toMatch(/X-Amz-Expires=90/);
      const object = await fetch(location);
      expect(object.status).toBe(200);
      expect(object.headers.get('content-type')).toBe('image/webp');
      expect(await object.text()).toBe('RIFF....WEBP');
    });

    it('answers 404 itself (no redirect) for anything it would not serve', async () => {
      await checkNeverServed(app, storage);
    });
  });
});
