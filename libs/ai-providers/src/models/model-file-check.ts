import { stat } from 'node:fs/promises';
import { checksumMatches, formatChecksum, hashFile } from './model-checksum';
import type { ModelRegistryEntry } from './model-registry';

export type ModelFileState =
  | { state: 'missing' }
  /** Present; its checksum is being computed in the background (first look at this version of the file). */
  | { state: 'pending' }
  | { state: 'verified'; checksum: string }
  | { state: 'corrupt'; reason: string };

interface Verification {
  /** Identity of the file version hashed: a replaced file (pull renames over it) gets a new inode/mtime. */
  version: string;
  done: Promise<void>;
  result?: ModelFileState;
}

/**
 * Cheap, cached model-file check for readiness: stat on every call; the checksum of each file version is computed
 * once, in the background, and remembered. Readiness never waits for hashing a large file, yet a wrong or truncated
 * file is reported (as corrupt) soon after it appears.
 */
export class ModelFileChecker {
  private readonly cache = new Map<string, Verification>();

  async check(entry: ModelRegistryEntry, path: string): Promise<ModelFileState> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      this.cache.delete(path);
      return { state: 'missing' };
    }
    if (entry.bytes !== undefined && info.size !== entry.bytes) {
      return { state: 'corrupt', reason: `${info.size} bytes, expected ${entry.bytes}` };
    }
    const version = `${info.ino}:${info.size}:${info.mtimeMs}`;
    let verification = this.cache.get(path);
    if (verification?.version !== version) {
      const fresh: Verification = { version, done: Promise.resolve() };
      fresh.done = hashFile(path, entry.checksum.algorithm).then(
        (hex) => {
          const actual = formatChecksum(entry.checksum.algorithm, hex);
          const expected = formatChecksum(entry.checksum.algorithm, entry.checksum.value);
          fresh.result = checksumMatches(entry.checksum, hex)
            ? { state: 'verified', checksum: actual }
            : { state: 'corrupt', reason: `checksum ${actual}, expected ${expected}` };
        },
        (err: unknown) => {
          fresh.result = { state: 'corrupt', reason: `unreadable: ${err instanceof Error ? err.message : String(err)}` };
        },
      );
      this.cache.set(path, fresh);
      verification = fresh;
    }
    return verification.result ?? { state: 'pending' };
  }

  /** Resolves when every started verification has finished (tests; graceful shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.cache.values()].map((v) => v.done));
  }
}
