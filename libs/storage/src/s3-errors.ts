import { S3ServiceException } from '@aws-sdk/client-s3';

/**
 * A missing object: GetObject's NoSuchKey, or HeadObject's bodiless 404 ('NotFound'). NoSuchBucket is NOT "missing":
 * a misconfigured bucket must surface as an error (HEAD cannot tell the two apart; checkWritable can).
 */
export function isS3NotFound(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound');
}
