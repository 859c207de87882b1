import { PassThrough, Readable } from 'node:stream';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3StorageDriver } from './s3-storage.driver';
import { createS3Client, s3OptionsFromConfig, S3StorageOptions } from './s3-storage.options';
import { S3TestServer, startS3TestServer } from './testing/s3-test-server';
import { runStorageContract, StorageContractHarness } from './storage-driver.contract';
import { StorageArea, StorageNotWritableError } from './storage-driver';

/** Every object key under a bucket prefix, relative to it (incomplete multipart uploads are not objects). */
async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(prefix.length));
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys;
}

function harness(server: S3TestServer, options: Partial<S3StorageOptions> = {}, buckets?: { private: string; public: string }): StorageContractHarness {
  const base = s3OptionsFromConfig(server.config(buckets ? { S3_PRIVATE_BUCKET: buckets.private, S3_PUBLIC_BUCKET: buckets.public } : {}));
  const driver = new S3StorageDriver({ ...base, ...options });
  return {
    driver,
    listRaw: (area: StorageArea) => listKeys(base.client, base.areas[area].bucket, base.areas[area].prefix),
  };
}

describe('S3StorageDriver against s3rver (real S3 HTTP protocol on loopback)', () => {
  let server: S3TestServer;

  beforeAll(async () => {
    server = await startS3TestServer(['lumiku', 'lumiku-private', 'lumiku-public']);
  });
  afterAll(async () => {
    await server?.close();
  });

  runStorageContract('s3, one bucket with area prefixes', async () => harness(server, { listPageSize: 3 }));
  runStorageContract('s3, one bucket per area', async () => harness(server, {}, { private: 'lumiku-private', public: 'lumiku-public' }));

  describe('S3 specifics', () => {
    let driver: S3StorageDriver;
    let client: S3Client;

    beforeAll(() => {
      const options = s3OptionsFromConfig(server.config());
      client = options.client;
      driver = new S3StorageDriver({ ...options, listPageSize: 2 });
    });

    it('lays objects out as <bucket>/<area prefix><key>; publicRoot is null', async () => {
      await driver.put('public', 'layout/u1/j1/output.png', Buffer.from('png'));
      await driver.put('private', 'layout/u1/in.jpg', Buffer.from('jpg'));
      expect(await listKeys(client, 'lumiku', 'public/layout/')).toEqual(['u1/j1/output.png']);
      expect(await listKeys(client, 'lumiku', 'private/layout/')).toEqual(['u1/in.jpg']);
      expect(driver.publicRoot()).toBeNull();
    });

    it('stores the given content type, else one inferred from the extension', async () => {
      await driver.put('public', 'types/a.bin', Buffer.from('x'), { contentType: 'image/webp' });
      await driver.put('public', 'types/b.zip', Readable.from([Buffer.from('zip')]));
      await driver.put('public', 'types/c', Buffer.from('?'));
      expect((await driver.head('public', 'types/a.bin'))?.contentType).toBe('image/webp');
      expect(await driver.head('public', 'types/b.zip')).toMatchObject({ contentType: 'application/zip', size: 3 });
      expect((await driver.head('public', 'types/c'))?.contentType).toBe('application/octet-stream');
      expect(await driver.head('public', 'types/missing.png')).toBeNull();
    });

    it('streams a body larger than one part as a multipart upload (12 MiB in 5 MiB parts)', async () => {
      const chunks = Array.from({ length: 12 }, (_, i) => Buffer.alloc(1024 * 1024, i));
      const res = await driver.put('public', 'multipart/big.zip', Readable.from(chunks), { contentType: 'application/zip' });
      expect(res.size).toBe(12 * 1024 * 1024);
      const back = await driver.get('public', 'multipart/big.zip');
      expect(back.equals(Buffer.concat(chunks))).toBe(true);
    });

    it('a multipart stream that fails midway stores nothing', async () => {
      async function* failing() {
        for (let i = 0; i < 7; i++) yield Buffer.alloc(1024 * 1024, 1);
        throw new Error('archiver blew up');
      }
      await expect(driver.put('public', 'multipart/broken.zip', Readable.from(failing()))).rejects.toThrow('archiver blew up');
      expect(await driver.exists('public', 'multipart/broken.zip')).toBe(false);
    });

    it('a failed upload destroys the PassThrough its producer writes into', async () => {
      const sink = new PassThrough();
      const stored = driver.put('private', 'limits/in.jpg', sink, { maxBytes: 10 });
      sink.write(Buffer.alloc(64));
      await expect(stored).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(sink.destroyed).toBe(true);
    });

    it('deletePrefix pages through ListObjectsV2 (page size 2) and deletes every page', async () => {
      const keys = Array.from({ length: 7 }, (_, i) => `paged/p/${i}.png`);
      for (const key of keys) await driver.put('public', key, Buffer.from(key));
      await driver.put('public', 'paged/keep.png', Buffer.from('keep'));
      await driver.deletePrefix('public', 'paged/p');
      expect(await listKeys(client, 'lumiku', 'public/paged/')).toEqual(['keep.png']);
    });

    it('openReadStream checks existence up front and opens the object on first read', async () => {
      await driver.put('public', 'lazy/a.png', Buffer.from('lazy bytes'));
      const stream = await driver.openReadStream('public', 'lazy/a.png');
      await driver.put('public', 'lazy/a.png', Buffer.from('newer bytes')); // read after: the GET happens now
      const parts: Buffer[] = [];
      for await (const chunk of stream) parts.push(chunk as Buffer);
      expect(Buffer.concat(parts).toString()).toBe('newer bytes');
      const gone = await driver.openReadStream('public', 'lazy/a.png');
      await driver.delete('public', 'lazy/a.png');
      await expect(gone.toArray()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('presignGet returns a URL that downloads the object with its type', async () => {
      await driver.put('public', 'signed/out.png', Buffer.from('signed png'), { contentType: 'image/png' });
      const url = await driver.presignGet('public', 'signed/out.png', 60);
      expect(url).toMatch(/X-Amz-Expires=60/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(await res.text()).toBe('signed png');
    });

    it('checkWritable probes each bucket and leaves no probe behind', async () => {
      await driver.checkWritable();
      const twoBuckets = new S3StorageDriver(
        s3OptionsFromConfig(server.config({ S3_PRIVATE_BUCKET: 'lumiku-private', S3_PUBLIC_BUCKET: 'lumiku-public' })),
      );
      await twoBuckets.checkWritable();
      for (const bucket of ['lumiku', 'lumiku-private', 'lumiku-public']) {
        expect((await listKeys(client, bucket, '')).filter((k) => k.includes('.health/'))).toEqual([]);
      }
    });

    it('checkWritable names the bucket that is missing or refuses writes', async () => {
      const missing = new S3StorageDriver(s3OptionsFromConfig(server.config({ S3_PUBLIC_BUCKET: 'no-such-bucket' })));
      await expect(missing.checkWritable()).rejects.toBeInstanceOf(StorageNotWritableError);
      await expect(missing.checkWritable()).rejects.toThrow(/S3 bucket "no-such-bucket" \(public area\) is not writable/);
      const wrongKey = new S3StorageDriver(s3OptionsFromConfig(server.config({ S3_ACCESS_KEY_ID: 'NOT-A-KEY' })));
      await expect(wrongKey.checkWritable()).rejects.toThrow(/S3 bucket "lumiku" \(private area\) is not writable: InvalidAccessKeyId/);
    });

    it('a missing bucket is an error, not a missing object, for get', async () => {
      const orphan = new S3StorageDriver(s3OptionsFromConfig(server.config({ S3_BUCKET: 'created-later' })));
      await expect(orphan.get('public', 'x.png')).rejects.toMatchObject({ name: 'NoSuchBucket' });
      // Once the bucket exists, the same call is a plain NOT_FOUND.
      await createS3Client(server.config()).send(new CreateBucketCommand({ Bucket: 'created-later' }));
      await expect(orphan.get('public', 'x.png')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
