import { S3Client } from '@aws-sdk/client-s3';
import type { AppConfig } from '@app/config';
import type { StorageArea } from './storage-driver';

/** Where an area lives: a bucket and a key prefix ending in '/' (e.g. 'public/'). */
export interface S3AreaLocation {
  bucket: string;
  prefix: string;
}

export interface S3StorageOptions {
  client: S3Client;
  /** Signs redirect URLs; a separate client when browsers reach the store at another endpoint. Default: `client`. */
  presignClient?: S3Client;
  areas: Record<StorageArea, S3AreaLocation>;
  /** Multipart part size for streamed uploads (min 5 MiB); memory per upload ≈ partSize × queueSize. */
  partSizeBytes?: number;
  queueSize?: number;
  /** ListObjectsV2 page size for deletePrefix (max 1000; tests lower it to exercise pagination). */
  listPageSize?: number;
}

export type S3Config = Pick<
  AppConfig,
  | 'S3_BUCKET'
  | 'S3_PRIVATE_BUCKET'
  | 'S3_PUBLIC_BUCKET'
  | 'S3_PRIVATE_PREFIX'
  | 'S3_PUBLIC_PREFIX'
  | 'S3_REGION'
  | 'S3_ENDPOINT'
  | 'S3_PRESIGN_ENDPOINT'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
>;

export function createS3Client(config: S3Config, endpoint = config.S3_ENDPOINT): S3Client {
  const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = config;
  return new S3Client({
    region: config.S3_REGION,
    endpoint,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    // The SDK's default CRC32 checksum trailers are rejected by several S3-compatible servers; send checksums only
    // where S3 requires them (DeleteObjects). Integrity in transit still comes from TLS and SigV4 payload hashes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    // An unreachable store must fail the request, not hang it; long downloads may still take as long as they need.
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 60_000 },
  });
}

/** The validated config (superRefine guarantees the buckets) → driver options. */
export function s3OptionsFromConfig(config: S3Config): S3StorageOptions {
  const privateBucket = config.S3_PRIVATE_BUCKET ?? config.S3_BUCKET;
  const publicBucket = config.S3_PUBLIC_BUCKET ?? config.S3_BUCKET;
  if (!privateBucket || !publicBucket) throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET (or S3_PRIVATE_BUCKET and S3_PUBLIC_BUCKET)');
  const client = createS3Client(config);
  return {
    client,
    presignClient: config.S3_PRESIGN_ENDPOINT ? createS3Client(config, config.S3_PRESIGN_ENDPOINT) : client,
    areas: {
      private: { bucket: privateBucket, prefix: config.S3_PRIVATE_PREFIX },
      public: { bucket: publicBucket, prefix: config.S3_PUBLIC_PREFIX },
    },
  };
}
