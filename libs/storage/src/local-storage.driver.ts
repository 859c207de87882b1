import { randomUUID } from 'node:crypto';
import { access, constants, lstat, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@app/common';
import { assertValidKey } from './storage-key';
import {
  PutOptions,
  PutResult,
  ReadStreamOptions,
  STORAGE_AREAS,
  StorageArea,
  StorageBody,
  StorageDriver,
  StorageNotWritableError,
} from './storage-driver';
import { contentTooLarge, storedFileNotFound } from './storage-errors';

/** Missing-object errors: absent file, a path component that is a file, or a key naming a directory. */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && MISSING.has(err.code);
}

/**
 * Files under <root>/private/<key> and <root>/public/<key>. Writes go to a dot-named temp file in the target
 * directory and are renamed into place (atomic on one filesystem), so the static server — which never serves
 * dotfiles — and readers only ever see complete files.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly name = 'local';
  private readonly root: string;

  /** `root` may be relative: it is resolved against the current working directory once, here. */
  constructor(root: string) {
    this.root = resolve(root);
  }

  publicRoot(): string {
    return join(this.root, 'public');
  }

  async prepare(): Promise<void> {
    for (const area of STORAGE_AREAS) {
      await mkdir(join(this.root, area), { recursive: true }).catch(() => undefined);
    }
  }

  async put(area: StorageArea, key: string, data: StorageBody, opts: PutOptions = {}): Promise<PutResult> {
    const target = this.pathOf(area, key);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.tmp-${randomUUID()}`);
    try {
      const size = Buffer.isBuffer(data) ? await writeBuffer(tmp, data, opts) : await writeStream(tmp, data, opts);
      await rename(tmp, target);
      return { key, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(area: StorageArea, key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(area, key));
    } catch (err) {
      throw isMissing(err) ? storedFileNotFound() : err;
    }
  }

  async openReadStream(area: StorageArea, key: string, opts: ReadStreamOptions = {}): Promise<Readable> {
    // Open eagerly so a missing file is a NOT_FOUND here rather than a stream 'error' later.
    const handle = await open(this.pathOf(area, key), 'r').catch((err: unknown) => {
      throw isMissing(err) ? storedFileNotFound() : err;
    });
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw storedFileNotFound();
    }
    return handle.createReadStream(opts.chunkBytes ? { highWaterMark: opts.chunkBytes } : {});
  }

  async exists(area: StorageArea, key: string): Promise<boolean> {
    return (await this.stat(area, key)) !== null;
  }

  async stat(area: StorageArea, key: string): Promise<{ size: number } | null> {
    try {
      const st = await stat(this.pathOf(area, key));
      return st.isFile() ? { size: st.size } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(area: StorageArea, key: string): Promise<void> {
    try {
      await unlink(this.pathOf(area, key));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async deletePrefix(area: StorageArea, prefix: string): Promise<void> {
    const dir = this.pathOf(area, prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
    try {
      // lstat: a symlink planted at the prefix is not followed.
      if (!(await lstat(dir)).isDirectory()) return;
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    await rm(dir, { recursive: true, force: true });
  }

  async checkWritable(): Promise<void> {
    const healthDir = join(this.root, 'private', '.health');
    const probe = join(healthDir, `probe-${process.pid}-${randomUUID()}`);
    const payload = Buffer.from(`probe ${new Date().toISOString()}`);
    try {
      await mkdir(healthDir, { recursive: true });
      await writeFile(probe, payload);
      const back = await readFile(probe);
      if (!back.equals(payload)) throw new Error('read back different bytes than written');
      await unlink(probe);
      // The public area gets no probe file (nothing hidden should ever sit in the served tree): W_OK suffices.
      await mkdir(this.publicRoot(), { recursive: true });
      await access(this.publicRoot(), constants.W_OK);
    } catch (err) {
      await rm(probe, { force: true }).catch(() => undefined);
      const reason = err instanceof Error ? err.message : String(err);
      throw new StorageNotWritableError(`Storage root ${this.root} is not writable: ${reason}`);
    }
  }

  /** Validated key → absolute path, re-checked to lie inside the area directory. */
  private pathOf(area: StorageArea, key: string): string {
    if (!STORAGE_AREAS.includes(area)) throw new DomainError('BAD_REQUEST', `Invalid storage area "${String(area)}"`);
    assertValidKey(key);
    const base = join(this.root, area);
    const full = resolve(base, ...key.split('/'));
    if (!full.startsWith(base + sep)) {
      throw new DomainError('BAD_REQUEST', 'Invalid storage key: escapes the storage root');
    }
    return full;
  }
}

async function writeBuffer(tmp: string, data: Buffer, opts: PutOptions): Promise<number> {
  if (opts.maxBytes !== undefined && data.length > opts.maxBytes) throw contentTooLarge(opts.maxBytes);
  // flush: fsync before the rename, so a crash cannot leave an empty file under the final name.
  await writeFile(tmp, data, { flag: 'wx', flush: true });
  return data.length;
}

async function writeStream(tmp: string, data: Readable | NodeJS.ReadableStream, opts: PutOptions): Promise<number> {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) callback(contentTooLarge(opts.maxBytes));
      else callback(null, chunk);
    },
  });
  // Open (create) the temp file before streaming: a stream that opens lazily could create it AFTER a failed
  // pipeline's cleanup ran, leaving a stray temp file behind.
  const file = await open(tmp, 'wx');
  await pipeline(data, counter, file.createWriteStream({ flush: true }));
  return size;
}
