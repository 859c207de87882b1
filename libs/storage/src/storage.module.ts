import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { createStorageDriver } from './storage-driver.factory';
import { StorageService } from './storage.service';

/**
 * Needs AppConfig in scope (ConfigModule is global). The area directories are created while the app is being
 * built, so the API can register its static file server on publicRoot() right after NestFactory.create.
 */
@Module({
  providers: [
    {
      provide: StorageService,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const storage = new StorageService(createStorageDriver(config), config.STORAGE_PUBLIC_BASE_URL);
        await storage.prepare();
        return storage;
      },
    },
  ],
  exports: [StorageService],
})
export class StorageModule {}
