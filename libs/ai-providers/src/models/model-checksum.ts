import { createHash, Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ChecksumAlgorithm, PublishedChecksum } from './model-registry';

export function newHash(algorithm: ChecksumAlgorithm): Hash {
  return createHash(algorithm);
}

/** Streams the file through the hash (1 MiB reads: model files are tens to hundreds of MB). */
export async function hashFile(path: string, algorithm: ChecksumAlgorithm): Promise<string> {
  const hash = newHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** "md5:8e83…" — the notation the sources (pooch) publish, so messages can be compared with them by eye. */
export function formatChecksum(algorithm: ChecksumAlgorithm, value: string): string {
  return `${algorithm}:${value}`;
}

export function checksumMatches(expected: PublishedChecksum, actualHex: string): boolean {
  return expected.value.toLowerCase() === actualHex.toLowerCase();
}
