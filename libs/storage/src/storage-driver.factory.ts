import type { AppConfig } from '@app/config';
import { LocalStorageDriver } from './local-storage.driver';
import type { StorageDriver } from './storage-driver';

/** The one switch on STORAGE_DRIVER: an S3 driver adds a case here (and to the config enum). */
export function createStorageDriver(config: Pick<AppConfig, 'STORAGE_DRIVER' | 'STORAGE_ROOT'>): StorageDriver {
  switch (config.STORAGE_DRIVER) {
    case 'local':
      return new LocalStorageDriver(config.STORAGE_ROOT);
    default: {
      const unknown: never = config.STORAGE_DRIVER;
      throw new Error(`Unknown STORAGE_DRIVER "${String(unknown)}"`);
    }
  }
}
