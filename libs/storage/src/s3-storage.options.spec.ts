import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@app/config';
import { createStorageDriver } from './storage-driver.factory';
import { LocalStorageDriver } from './local-storage.driver';
import { S3StorageDriver } from './s3-storage.driver';
import { s3OptionsFromConfig } from './s3-storage.options';

const s3 = { STORAGE_DRIVER: 's3', S3_BUCKET: 'lumiku-files' };

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('S3 storage configuration', () => {
  it('local stays the default driver; S3 settings are optional then', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ STORAGE_DRIVER: 'local', STORAGE_PUBLIC_DELIVERY: 'stream', S3_PRESIGN_TTL_SECONDS: 300 });
    expect(createStorageDriver(config)).toBeInstanceOf(LocalStorageDriver);
  });

  it('STORAGE_DRIVER=s3 builds the S3 driver with prefixes in one bucket by default', () => {
    const config = parseConfig(s3);
    expect(createStorageDriver(config)).toBeInstanceOf(S3StorageDriver);
    expect(s3OptionsFromConfig(config).areas).toEqual({
      private: { bucket: 'lumiku-files', prefix: 'private/' },
      public: { bucket: 'lumiku-files', prefix: 'public/' },
    });
  });

  it('one bucket per area', () => {
    const config = parseConfig({ STORAGE_DRIVER: 's3', S3_PRIVATE_BUCKET: 'lumiku-in', S3_PUBLIC_BUCKET: 'lumiku-out', S3_PUBLIC_PREFIX: 'v1/out/' });
    expect(s3OptionsFromConfig(config).areas).toEqual({
      private: { bucket: 'lumiku-in', prefix: 'private/' },
      public: { bucket: 'lumiku-out', prefix: 'v1/out/' },
    });
  });

  it('a separate presign client only when S3_PRESIGN_ENDPOINT is set', () => {
    const same = s3OptionsFromConfig(parseConfig(s3));
    expect(same.presignClient).toBe(same.client);
    const other = s3OptionsFromConfig(parseConfig({ ...s3, S3_PRESIGN_ENDPOINT: 'https://files.example.com' }));
    expect(other.presignClient).not.toBe(other.client);
  });

  it.each([
    [{ STORAGE_DRIVER: 's3' }, 'S3_BUCKET: is required when STORAGE_DRIVER=s3'],
    [{ STORAGE_DRIVER: 's3', S3_PUBLIC_BUCKET: 'lumiku-out' }, 'S3_BUCKET: is required'],
    [{ ...s3, S3_ACCESS_KEY_ID: 'AKIA' }, 'S3_SECRET_ACCESS_KEY: set both S3 keys'],
    [{ ...s3, S3_SECRET_ACCESS_KEY: 'secret' }, 'S3_ACCESS_KEY_ID: set both S3 keys'],
    [{ ...s3, S3_PUBLIC_PREFIX: 'files/', S3_PRIVATE_PREFIX: 'files/private/' }, 'S3_PUBLIC_PREFIX: must not overlap'],
    [{ ...s3, S3_PUBLIC_PREFIX: 'private/' }, 'S3_PUBLIC_PREFIX: must not overlap'],
    [{ ...s3, S3_PUBLIC_PREFIX: 'public' }, "S3_PUBLIC_PREFIX: must look like 'public/'"],
    [{ ...s3, S3_PUBLIC_PREFIX: '../x/' }, "S3_PUBLIC_PREFIX: must look like"],
    [{ ...s3, S3_BUCKET: 'Not_A_Bucket' }, 'S3_BUCKET: must be a valid S3 bucket name'],
    [{ ...s3, S3_ENDPOINT: 'minio:9000' }, 'S3_ENDPOINT:'],
    [{ ...s3, STORAGE_PUBLIC_DELIVERY: 'cdn' }, 'STORAGE_PUBLIC_DELIVERY:'],
    [{ ...s3, S3_PRESIGN_TTL_SECONDS: '0' }, 'S3_PRESIGN_TTL_SECONDS:'],
    [{ ...s3, S3_FORCE_PATH_STYLE: 'yes' }, 'S3_FORCE_PATH_STYLE:'],
  ])('rejects %j naming the variable', (env, expected) => {
    expect(problems(env).join('\n')).toContain(expected);
  });

  it('shared bucket with distinct prefixes, or overlapping prefixes in different buckets, is fine', () => {
    expect(problems({ ...s3, S3_PRIVATE_PREFIX: 'lumiku/in/', S3_PUBLIC_PREFIX: 'lumiku/out/' })).toEqual([]);
    expect(problems({ STORAGE_DRIVER: 's3', S3_PRIVATE_BUCKET: 'a-in', S3_PUBLIC_BUCKET: 'a-out', S3_PUBLIC_PREFIX: 'private/' })).toEqual([]);
  });
});
