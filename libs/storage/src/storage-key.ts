import { DomainError } from '@app/common';

export const MAX_KEY_LENGTH = 512;
/** Most filesystems (and S3 tooling) cap a single name at 255 bytes. */
const MAX_SEGMENT_LENGTH = 255;
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Why a key is invalid, or null if it is fine. Keys are `/`-separated segments of [A-Za-z0-9._-]; no empty
 * segment, no segment starting with '.' (so no dotfiles, '.' or '..'), no leading '/', at most 512 chars.
 */
export function keyProblem(key: string): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'key is empty';
  if (key.length > MAX_KEY_LENGTH) return `key is longer than ${MAX_KEY_LENGTH} characters`;
  if (key.startsWith('/')) return 'key must be relative';
  for (const segment of key.split('/')) {
    if (segment.length === 0) return 'key has an empty segment';
    if (segment.length > MAX_SEGMENT_LENGTH) return `key segment longer than ${MAX_SEGMENT_LENGTH} characters`;
    if (segment.startsWith('.')) return 'key segments must not start with "."';
    if (!SEGMENT.test(segment)) return 'key segments may contain only A-Z a-z 0-9 . _ -';
  }
  return null;
}

/** Throws BAD_REQUEST for an invalid key: a programming error, but it must never reach the filesystem. */
export function assertValidKey(key: string): string {
  const problem = keyProblem(key);
  if (problem) throw new DomainError('BAD_REQUEST', `Invalid storage key: ${problem}`);
  return key;
}

/** Joins segments (each may itself contain '/') into a validated key: buildKey('background-remover', userId, jobId, 'output.png'). */
export function buildKey(...segments: string[]): string {
  return assertValidKey(segments.join('/'));
}
