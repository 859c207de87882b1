import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DomainError } from '@app/common';
import { contentTypeForKey } from './s3-content-type';
import { isS3NotFound } from './s3-errors';
import type { S3AreaLocation, S3StorageOptions } from './s3-storage.options';
import { assertValidKey } from './storage-key';
import {
  PutOptions,
  PutResult,
  STORAGE_AREAS,
  StorageArea,
  StorageBody,
  StorageDriver,
  StorageNotWritableError,
} from './storage-driver';
import { contentTooLarge, storedFileNotFound } from './storage-errors';

/** What HeadObject / GetObject say about an object. */
export interface S3ObjectInfo {
  size: number;
  contentType: string;
  etag?: string;
  lastModified?: Date;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * Objects at <bucket>/<area prefix><key>, one bucket with two prefixes or one bucket per area. A PUT (and a
 * completed multipart upload) is atomic in S3, so readers never see partial objects; a failed upload is aborted.
 * Streams go through lib-storage's Upload: memory per upload stays at about partSize × queueSize.
 */
export class S3StorageDriver implements StorageDriver {
  readonly name = 's3';
  private readonly client: S3Client;
  private readonly presignClient: S3Client;
  private readonly areas: Record<StorageArea, S3AreaLocation>;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;

  constructor(options: S3StorageOptions) {
    this.client = options.client;
    this.presignClient = options.presignClient ?? options.client;
    this.areas = options.areas;
    this.partSize = Math.max(options.partSizeBytes ?? MIN_PART_SIZE, MIN_PART_SIZE);
    this.queueSize = options.queueSize ?? 2;
    this.listPageSize = Math.min(options.listPageSize ?? 1000, 1000);
  }

  publicRoot(): null {
    return null;
  }

  /** Buckets are infrastructure (compose's one-shot, Terraform…): the app never creates them. */
  async prepare(): Promise<void> {}

  async put(area: StorageArea, key: string, data: StorageBody, opts: PutOptions = {}): Promise<PutResult> {
    const target = { ...this.locate(area, key), ContentType: opts.contentType ?? contentTypeForKey(key) };
    if (!Buffer.isBuffer(data)) return { key, size: await this.upload(target, data, opts.maxBytes) };
    if (opts.maxBytes !== undefined && data.length > opts.maxBytes) throw contentTooLarge(opts.maxBytes);
    await this.client.send(new PutObjectCommand({ ...target, Body: data, ContentLength: data.length }));
    return { key, size: data.length };
  }

  async get(area: StorageArea, key: string): Promise<Buffer> {
    const object = await this.openObject(area, key);
    if (!object) throw storedFileNotFound();
    const parts: Buffer[] = [];
    for await (const chunk of object.body) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }

  /**
   * NOT_FOUND up front (HeadObject); the GET starts on the first read. A ZIP of many outputs opens every entry's
   * stream before archiver reads them one by one: lazily opened, none holds a connection while it waits its turn.
   */
  async openReadStream(area: StorageArea, key: string): Promise<Readable> {
    if (!(await this.head(area, key))) throw storedFileNotFound();
    const open = () => this.openObject(area, key);
    return Readable.from(
      (async function* () {
        const object = await open();
        if (!object) throw storedFileNotFound(); // deleted between the HEAD and the first read
        yield* object.body;
      })(),
      { objectMode: false },
    );
  }

  async exists(area: StorageArea, key: string): Promise<boolean> {
    return (await this.head(area, key)) !== null;
  }

  async stat(area: StorageArea, key: string): Promise<{ size: number } | null> {
    const info = await this.head(area, key);
    return info && { size: info.size };
  }

  async delete(area: StorageArea, key: string): Promise<void> {
    // S3 answers 204 for a missing key too.
    await this.client.send(new DeleteObjectCommand(this.locate(area, key)));
  }

  async deletePrefix(area: StorageArea, prefix: string): Promise<void> {
    const { Bucket, Key } = this.locate(area, prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket, Prefix: `${Key}/`, MaxKeys: this.listPageSize, ContinuationToken }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) {
        const res = await this.client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
        const failed = res.Errors ?? [];
        if (failed.length > 0) {
          throw new Error(`S3 DeleteObjects failed for ${failed.length} key(s), e.g. ${failed[0]?.Key}: ${failed[0]?.Code}`);
        }
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** Write, read back and delete a probe in each distinct bucket (under '.health/', a key no URL can name). */
  async checkWritable(): Promise<void> {
    const seen = new Set<string>();
    for (const area of STORAGE_AREAS) {
      const { bucket, prefix } = this.areas[area];
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      const probe = { Bucket: bucket, Key: `${prefix}.health/probe-${process.pid}-${randomUUID()}` };
      const payload = `probe ${new Date().toISOString()}`;
      try {
        await this.client.send(new PutObjectCommand({ ...probe, Body: payload, ContentType: 'text/plain' }));
        const back = await this.client.send(new GetObjectCommand(probe));
        if ((await back.Body?.transformToString()) !== payload) throw new Error('read back different bytes than written');
        await this.client.send(new DeleteObjectCommand(probe));
      } catch (err) {
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        throw new StorageNotWritableError(`S3 bucket "${bucket}" (${area} area) is not writable: ${reason}`);
      }
    }
  }

  /** HeadObject: metadata, or null when missing. */
  async head(area: StorageArea, key: string): Promise<S3ObjectInfo | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand(this.locate(area, key)));
      return objectInfo(key, res);
    } catch (err) {
      if (isS3NotFound(err)) return null;
      throw err;
    }
  }

  /** GetObject with its metadata, or null when missing. The caller must consume or destroy `body`. */
  async openObject(area: StorageArea, key: string): Promise<{ info: S3ObjectInfo; body: Readable } | null> {
    try {
      const res = await this.client.send(new GetObjectCommand(this.locate(area, key)));
      if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject returned no Node.js stream');
      return { info: objectInfo(key, res), body: res.Body };
    } catch (err) {
      if (isS3NotFound(err)) return null;
      throw err;
    }
  }

  /** A GET URL valid for `ttlSeconds`, signed for the endpoint browsers use. Does not check existence. */
  presignGet(area: StorageArea, key: string, ttlSeconds: number): Promise<string> {
    return getSignedUrl(this.presignClient, new GetObjectCommand(this.locate(area, key)), { expiresIn: ttlSeconds });
  }

  private async upload(
    target: { Bucket: string; Key: string; ContentType: string },
    data: Readable | NodeJS.ReadableStream,
    maxBytes: number | undefined,
  ): Promise<number> {
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer | string, _encoding, callback) {
        size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        if (maxBytes !== undefined && size > maxBytes) callback(contentTooLarge(maxBytes));
        else callback(null, chunk);
      },
    });
    const upload = new Upload({ client: this.client, params: { ...target, Body: counter }, partSize: this.partSize, queueSize: this.queueSize });
    // An upload failure stops the feeding pipeline with the same error, and the pipeline destroys `data`, so whoever
    // writes into it (a request, an archiver) stops too. A pipeline failure (source error, size limit) ends the
    // upload, which then aborts its multipart upload: nothing is stored either way.
    const uploaded = upload.done().catch((err: unknown) => {
      counter.destroy(err as Error);
      throw err;
    });
    const [fed, done] = await Promise.allSettled([pipeline(data, counter), uploaded]);
    if (fed.status === 'rejected') throw fed.reason;
    if (done.status === 'rejected') throw done.reason;
    return size;
  }

  /** Validated area and key → S3 location (the key can never climb out of its area's prefix). */
  private locate(area: StorageArea, key: string): { Bucket: string; Key: string } {
    if (!STORAGE_AREAS.includes(area)) throw new DomainError('BAD_REQUEST', `Invalid storage area "${String(area)}"`);
    assertValidKey(key);
    const { bucket, prefix } = this.areas[area];
    return { Bucket: bucket, Key: `${prefix}${key}` };
  }
}

function objectInfo(
  key: string,
  res: { ContentLength?: number; ContentType?: string; ETag?: string; LastModified?: Date },
): S3ObjectInfo {
  const stored = res.ContentType;
  const generic = !stored || stored === 'application/octet-stream' || stored === 'binary/octet-stream';
  return {
    size: res.ContentLength ?? 0,
    contentType: generic ? contentTypeForKey(key) : stored,
    etag: res.ETag,
    lastModified: res.LastModified,
  };
}
