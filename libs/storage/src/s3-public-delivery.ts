import type { Readable } from 'node:stream';
import type { S3ObjectInfo, S3StorageDriver } from './s3-storage.driver';
import { keyProblem } from './storage-key';

export type PublicDeliveryMode = 'stream' | 'redirect';

/** An HTTP answer for `/storage/<key>`, framework-free so the API only copies it onto its reply. */
export interface PublicObjectResponse {
  status: 200 | 302 | 404;
  headers: Record<string, string>;
  /** GET in stream mode only; whoever sends it must also destroy it if the client goes away. */
  body?: Readable;
}

const NOT_FOUND: PublicObjectResponse = { status: 404, headers: {} };

/**
 * Serves the public area of an S3 store at the URLs the local driver uses (`/storage/<key>`): streamed through the
 * API, or a 302 to a presigned GET valid for `ttlSeconds` (the bytes then come straight from the store). Either way
 * a key that is invalid or missing is a 404 here, and the private area cannot be named.
 */
export class S3PublicDelivery {
  constructor(
    private readonly driver: S3StorageDriver,
    readonly mode: PublicDeliveryMode,
    private readonly ttlSeconds: number,
  ) {}

  async respond(key: string, method: 'GET' | 'HEAD'): Promise<PublicObjectResponse> {
    if (keyProblem(key) !== null) return NOT_FOUND;
    if (this.mode === 'redirect' || method === 'HEAD') {
      const info = await this.driver.head('public', key);
      if (!info) return NOT_FOUND;
      if (this.mode === 'stream') return { status: 200, headers: objectHeaders(info) };
      const location = await this.driver.presignGet('public', key, this.ttlSeconds);
      // Cacheable for half the URL's life, so a cached redirect never points at an expired signature.
      return { status: 302, headers: { location, 'cache-control': `private, max-age=${Math.floor(this.ttlSeconds / 2)}` } };
    }
    const object = await this.driver.openObject('public', key);
    if (!object) return NOT_FOUND;
    return { status: 200, headers: objectHeaders(object.info), body: object.body };
  }
}

/** Same headers the local static server sends: type, length, validators, long cache (keys are unique), nosniff. */
function objectHeaders(info: S3ObjectInfo): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': info.contentType,
    'content-length': String(info.size),
    'cache-control': 'public, max-age=86400, immutable',
    'x-content-type-options': 'nosniff',
  };
  if (info.etag) headers.etag = info.etag;
  if (info.lastModified) headers['last-modified'] = info.lastModified.toUTCString();
  return headers;
}
