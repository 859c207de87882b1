import type { Readable } from 'node:stream';

/** 'private': uploads and inputs, never served. 'public': outputs, thumbnails, ZIPs, served at /storage/<key>. */
export type StorageArea = 'private' | 'public';
export const STORAGE_AREAS: readonly StorageArea[] = ['private', 'public'];

export type StorageBody = Buffer | Readable | NodeJS.ReadableStream;

export interface PutOptions {
  /** Stored as object metadata by drivers that have it (S3); the local driver serves by extension. */
  contentType?: string;
  /** Abort with PAYLOAD_TOO_LARGE (nothing stored) once the body exceeds this many bytes. */
  maxBytes?: number;
}

export interface ReadStreamOptions {
  /**
   * Bytes per chunk, where the driver reads from disk (the local driver; S3 hands on what the network delivers).
   * Node's default is 64 KiB. A consumer that passes whole files through a chain of streams (the batch ZIP) pays
   * per chunk in every link, so it asks for bigger ones.
   */
  chunkBytes?: number;
}

export interface PutResult {
  key: string;
  size: number;
}

/**
 * A blob store with two areas. Every method validates its key (BAD_REQUEST if invalid). Writes are atomic:
 * a reader sees the old object, the new one, or nothing — never a partial file.
 */
export interface StorageDriver {
  readonly name: string;
  put(area: StorageArea, key: string, data: StorageBody, opts?: PutOptions): Promise<PutResult>;
  /** NOT_FOUND if missing. */
  get(area: StorageArea, key: string): Promise<Buffer>;
  /** NOT_FOUND (rejected promise) if missing. */
  openReadStream(area: StorageArea, key: string, opts?: ReadStreamOptions): Promise<Readable>;
  exists(area: StorageArea, key: string): Promise<boolean>;
  stat(area: StorageArea, key: string): Promise<{ size: number } | null>;
  /** Missing is fine. */
  delete(area: StorageArea, key: string): Promise<void>;
  /** Deletes every object under `prefix/` (whole segments: 'a/b' covers 'a/b/c', not 'a/bc'); one trailing '/' allowed. */
  deletePrefix(area: StorageArea, prefix: string): Promise<void>;
  /** Writes, reads back and deletes a probe object; throws StorageNotWritableError with a clear message. */
  checkWritable(): Promise<void>;
  /** Creates whatever the driver needs up front (best effort; checkWritable reports real problems). */
  prepare(): Promise<void>;
  /** Absolute directory of the public area when it lives on local disk, else null. */
  publicRoot(): string | null;
}

export class StorageNotWritableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageNotWritableError';
  }
}
