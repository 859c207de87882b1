import type { Readable } from 'node:stream';
import { assertValidKey } from './storage-key';
import type { PutOptions, PutResult, ReadStreamOptions, StorageArea, StorageBody, StorageDriver } from './storage-driver';

/**
 * What apps use: the configured driver plus public URLs. Built by StorageModule from AppConfig; construct
 * it directly in tests.
 */
export class StorageService {
  private readonly publicBase: string;

  constructor(
    readonly driver: StorageDriver,
    publicBaseUrl: string,
  ) {
    this.publicBase = publicBaseUrl.replace(/\/+$/, '');
  }

  /** URL the API serves a public-area key at: `${STORAGE_PUBLIC_BASE_URL}/${key}`, each segment encoded. */
  publicUrl(key: string): string {
    assertValidKey(key);
    return `${this.publicBase}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Directory to serve at /storage/ when the public area is on local disk; null for remote drivers. */
  publicRoot(): string | null {
    return this.driver.publicRoot();
  }

  prepare(): Promise<void> {
    return this.driver.prepare();
  }

  put(area: StorageArea, key: string, data: StorageBody, opts?: PutOptions): Promise<PutResult> {
    return this.driver.put(area, key, data, opts);
  }

  get(area: StorageArea, key: string): Promise<Buffer> {
    return this.driver.get(area, key);
  }

  openReadStream(area: StorageArea, key: string, opts?: ReadStreamOptions): Promise<Readable> {
    return this.driver.openReadStream(area, key, opts);
  }

  exists(area: StorageArea, key: string): Promise<boolean> {
    return this.driver.exists(area, key);
  }

  stat(area: StorageArea, key: string): Promise<{ size: number } | null> {
    return this.driver.stat(area, key);
  }

  delete(area: StorageArea, key: string): Promise<void> {
    return this.driver.delete(area, key);
  }

  deletePrefix(area: StorageArea, prefix: string): Promise<void> {
    return this.driver.deletePrefix(area, prefix);
  }

  checkWritable(): Promise<void> {
    return this.driver.checkWritable();
  }
}
