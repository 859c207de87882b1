export * from './storage-driver';
export * from './storage-key';
export * from './local-storage.driver';
export * from './storage-driver.factory';
export * from './storage.service';
export * from './storage.module';
