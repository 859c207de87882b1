import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig, ConfigModule, parseConfig } from '@app/config';
import { LocalStorageDriver } from './local-storage.driver';
import { StorageModule } from './storage.module';
import { StorageService } from './storage.service';

describe('StorageService', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'storage-service-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds public URLs from the base, encoding segments and validating the key', () => {
    const storage = new StorageService(new LocalStorageDriver(root), '/storage/');
    expect(storage.publicUrl('background-remover/u1/j1/output.png')).toBe('/storage/background-remover/u1/j1/output.png');
    const cdn = new StorageService(new LocalStorageDriver(root), 'https://cdn.example.com/files');
    expect(cdn.publicUrl('a/b.webp')).toBe('https://cdn.example.com/files/a/b.webp');
    expect(() => storage.publicUrl('../etc/passwd')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('StorageModule builds the local driver from AppConfig and creates the area directories', async () => {
    const config = parseConfig({ STORAGE_ROOT: join(root, 'module'), STORAGE_PUBLIC_BASE_URL: '/storage' }) as AppConfig;
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), StorageModule],
    }).compile();
    const storage = moduleRef.get(StorageService);
    expect(storage.driver.name).toBe('local');
    expect(storage.publicRoot()).toBe(join(root, 'module', 'public'));
    expect((await readdir(join(root, 'module'))).sort()).toEqual(['private', 'public']);
    await storage.put('public', 'k/v.txt', Buffer.from('v'));
    expect(storage.publicUrl('k/v.txt')).toBe('/storage/k/v.txt');
    await storage.checkWritable();
    await moduleRef.close();
  });
});
