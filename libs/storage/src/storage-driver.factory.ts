import type { AppConfig } from '@app/config';
import { LocalStorageDriver } from './local-storage.driver';
import { S3StorageDriver } from './s3-storage.driver';
import { S3Config, s3OptionsFromConfig } from './s3-storage.options';
import type { StorageDriver } from './storage-driver';

/** The one switch on STORAGE_DRIVER. Local disk is the embedded default; S3 lets api and workers run on different hosts. */
export function createStorageDriver(config: Pick<AppConfig, 'STORAGE_DRIVER' | 'STORAGE_ROOT'> & S3Config): StorageDriver {
  switch (config.STORAGE_DRIVER) {
    case 'local':
      return new LocalStorageDriver(config.STORAGE_ROOT);
    case 's3':
      return new S3StorageDriver(s3OptionsFromConfig(config));
    default: {
      const unknown: never = config.STORAGE_DRIVER;
      throw new Error(`Unknown STORAGE_DRIVER "${String(unknown)}"`);
    }
  }
}
