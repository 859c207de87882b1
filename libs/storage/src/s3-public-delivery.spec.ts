import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeForKey } from './s3-content-type';
import { S3PublicDelivery } from './s3-public-delivery';
import { S3StorageDriver } from './s3-storage.driver';
import { s3OptionsFromConfig } from './s3-storage.options';
import { S3TestServer, startS3TestServer } from './testing/s3-test-server';

async function text(body: Readable | undefined): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body ?? []) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString();
}

describe('S3PublicDelivery (/storage/<key> from a bucket)', () => {
  let server: S3TestServer;
  let driver: S3StorageDriver;
  const key = 'background-remover/u1/j1/output.png';

  beforeAll(async () => {
    server = await startS3TestServer(['lumiku']);
    driver = new S3StorageDriver(s3OptionsFromConfig(server.config()));
    await driver.put('public', key, Buffer.from('png bytes'), { contentType: 'image/png' });
    await driver.put('private', 'uploads/u1/secret.png', Buffer.from('private bytes'));
  });
  afterAll(async () => {
    await server?.close();
  });

  const unreachable = [
    'uploads/u1/secret.png', // a private key is not a public one
    '../private/uploads/u1/secret.png',
    'a/../../private/uploads/u1/secret.png',
    '.health/probe',
    'background-remover/u1/j1', // a "directory"
    'background-remover/u1/j1/',
    '',
    'missing/file.png',
  ];

  describe('stream mode', () => {
    const delivery = () => new S3PublicDelivery(driver, 'stream', 300);

    it('GET streams the object with type, length, validators, long cache and nosniff', async () => {
      const res = await delivery().respond(key, 'GET');
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject({
        'content-type': 'image/png',
        'content-length': '9',
        'cache-control': 'public, max-age=86400, immutable',
        'x-content-type-options': 'nosniff',
      });
      expect(res.headers.etag).toBeTruthy();
      expect(res.headers['last-modified']).toMatch(/GMT$/);
      expect(await text(res.body)).toBe('png bytes');
    });

    it('HEAD answers the headers without opening the object', async () => {
      const res = await delivery().respond(key, 'HEAD');
      expect(res).toMatchObject({ status: 200, headers: { 'content-length': '9', 'content-type': 'image/png' } });
      expect(res.body).toBeUndefined();
    });

    it.each(unreachable)('404 for %j', async (bad) => {
      for (const method of ['GET', 'HEAD'] as const) expect(await delivery().respond(bad, method)).toEqual({ status: 404, headers: {} });
    });
  });

  describe('redirect mode', () => {
    const delivery = () => new S3PublicDelivery(driver, 'redirect', 120);

    it('302 to a presigned URL valid for the TTL; the URL serves the object', async () => {
      const res = await delivery().respond(key, 'GET');
      expect(res.status).toBe(302);
      expect(res.headers['cache-control']).toBe('private, max-age=60');
      const location = res.headers.location!;
      expect(location).toMatch(/X-Amz-Expires=120/);
      expect(location.startsWith(`${server.endpoint}/lumiku/public/${key}?`)).toBe(true);
      const fetched = await fetch(location);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('content-type')).toBe('image/png');
      expect(await fetched.text()).toBe('png bytes');
    });

    it('signs for S3_PRESIGN_ENDPOINT when browsers reach the store elsewhere', async () => {
      const options = s3OptionsFromConfig(server.config({ S3_PRESIGN_ENDPOINT: 'https://files.example.com' }));
      const res = await new S3PublicDelivery(new S3StorageDriver(options), 'redirect', 60).respond(key, 'GET');
      expect(res.headers.location).toMatch(new RegExp(`^https://files\\.example\\.com/lumiku/public/${key}\\?`));
    });

    it.each(unreachable)('404 (no redirect) for %j', async (bad) => {
      expect(await delivery().respond(bad, 'GET')).toEqual({ status: 404, headers: {} });
    });
  });

  it('content types by extension match what the local static server sends', () => {
    expect(contentTypeForKey('a/b/out.png')).toBe('image/png');
    expect(contentTypeForKey('a/b/thumb.WEBP')).toBe('image/webp');
    expect(contentTypeForKey('a/batch.zip')).toBe('application/zip');
    expect(contentTypeForKey('a.b/noext')).toBe('application/octet-stream');
    expect(contentTypeForKey('page.html')).toBe('application/octet-stream'); // never rendered as a page
  });
});
