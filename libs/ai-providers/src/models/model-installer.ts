import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { checksumMatches, formatChecksum, hashFile, newHash } from './model-checksum';
import type { ModelRegistryEntry } from './model-registry';

/** A pull or verification failed; the message names the model, the source and what was expected vs found. */
export class ModelInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelInstallError';
  }
}

export interface InstalledState {
  entry: ModelRegistryEntry;
  path: string;
  /** missing: no file; ok: checksum matches; mismatch: a file is there but it is not the published one. */
  state: 'missing' | 'ok' | 'mismatch';
  bytes?: number;
  /** "md5:…" of the file on disk (when present). */
  actual?: string;
}

/** Hashes the installed file, if any. Full read: for `list`/`verify`/`pull`, not for every readiness probe. */
export async function checkInstalled(entry: ModelRegistryEntry, dir: string): Promise<InstalledState> {
  const path = modelFilePath(entry, dir);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return { entry, path, state: 'missing' };
  const actual = await hashFile(path, entry.checksum.algorithm);
  const sizeOk = entry.bytes === undefined || info.size === entry.bytes;
  return {
    entry,
    path,
    state: sizeOk && checksumMatches(entry.checksum, actual) ? 'ok' : 'mismatch',
    bytes: info.size,
    actual: formatChecksum(entry.checksum.algorithm, actual),
  };
}

export function modelFilePath(entry: ModelRegistryEntry, dir: string): string {
  // Registry entries can be injected (tests, future config): never let a file name climb out of MODELS_DIR.
  if (basename(entry.fileName) !== entry.fileName || entry.fileName.startsWith('.')) {
    throw new ModelInstallError(`model ${entry.name}: file name "${entry.fileName}" must be a plain file name`);
  }
  return join(resolve(dir), entry.fileName);
}

export interface PullOptions {
  /** MODELS_DIR. Created if missing; on failure nothing is left in it. */
  dir: string;
  /** Download `<mirror>/<fileName>` instead of the source URLs (air-gapped sites host the files themselves). */
  mirror?: string;
  /** Install this local file instead of downloading; verified exactly like a download. */
  from?: string;
  /** Give up when no data arrives for this long (headers or body). Default 30 s; a slow but moving download is fine. */
  timeoutMs?: number;
  /** Redirects to follow per URL (GitHub release assets redirect once to their CDN). Default 5. */
  maxRedirects?: number;
  /** Aborts the pull (e.g. Ctrl-C); the temp file is removed. */
  signal?: AbortSignal;
  onProgress?: (progress: { received: number; total?: number }) => void;
  /** Told which URL is being fetched, and where redirects lead. */
  onInfo?: (message: string) => void;
}

export type PullResult =
  | { status: 'already-installed'; path: string; checksum: string }
  | { status: 'installed'; path: string; checksum: string; bytes: number; source: string };

/**
 * Installs one model: download (or copy) into a temp file inside the target directory, hash while streaming,
 * rename over the final name only when the published checksum matches. A verified file already in place is kept.
 */
export async function pullModel(entry: ModelRegistryEntry, options: PullOptions): Promise<PullResult> {
  const dest = modelFilePath(entry, options.dir);
  const expected = formatChecksum(entry.checksum.algorithm, entry.checksum.value);
  const present = await checkInstalled(entry, options.dir);
  if (present.state === 'ok') return { status: 'already-installed', path: dest, checksum: expected };

  await mkdir(resolve(options.dir), { recursive: true });
  // Same directory as the target, so the final rename is atomic; the dot keeps it out of the provider's way.
  const temp = join(resolve(options.dir), `.${entry.fileName}.${randomBytes(6).toString('hex')}.partial`);
  try {
    const sources = options.from ? [options.from] : downloadUrls(entry, options.mirror);
    const failures: string[] = [];
    for (const source of sources) {
      try {
        const got = options.from ? await copyLocal(source, temp, entry, options) : await download(source, temp, entry, options);
        const actual = formatChecksum(entry.checksum.algorithm, got.hex);
        if (!checksumMatches(entry.checksum, got.hex)) {
          throw new ModelInstallError(`checksum mismatch for ${entry.name} from ${got.source}: expected ${expected}, got ${actual}`);
        }
        if (entry.bytes !== undefined && got.bytes !== entry.bytes) {
          throw new ModelInstallError(`size mismatch for ${entry.name} from ${got.source}: expected ${entry.bytes} bytes, got ${got.bytes}`);
        }
        await rename(temp, dest);
        return { status: 'installed', path: dest, checksum: actual, bytes: got.bytes, source: got.source };
      } catch (err) {
        if (options.signal?.aborted) throw new ModelInstallError(`pull of ${entry.name} interrupted`);
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    throw new ModelInstallError(failures.join('; '));
  } finally {
    await rm(temp, { force: true }); // no-op after a successful rename
  }
}

function downloadUrls(entry: ModelRegistryEntry, mirror: string | undefined): string[] {
  if (!mirror) return entry.urls;
  return [`${mirror.replace(/\/+$/, '')}/${encodeURIComponent(entry.fileName)}`];
}

interface Copied {
  hex: string;
  bytes: number;
  /** What finally served the bytes: the URL after redirects, or "file <path>". */
  source: string;
}

async function copyLocal(from: string, temp: string, entry: ModelRegistryEntry, options: PullOptions): Promise<Copied> {
  const info = await stat(from).catch(() => undefined);
  if (!info?.isFile()) throw new ModelInstallError(`--from ${from}: no such file`);
  const meter = hashingMeter(entry, info.size, options.onProgress);
  await pipeline(createReadStream(from), meter.stream, createWriteStream(temp), { signal: options.signal });
  return { hex: meter.digest(), bytes: meter.received(), source: `file ${resolve(from)}` };
}

async function download(url: string, temp: string, entry: ModelRegistryEntry, options: PullOptions): Promise<Copied> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), timeoutMs);
  };
  const signal = options.signal ? AbortSignal.any([idle.signal, options.signal]) : idle.signal;
  let servedBy = url;
  let received = 0;
  let total: number | undefined;
  touch();
  try {
    const { response, finalUrl } = await fetchFollowing(url, signal, options.maxRedirects ?? 5, options.onInfo);
    servedBy = finalUrl;
    touch();
    // A compressed body's length is not the file's: only compare when the bytes arrive as sent.
    const length = response.headers.get('content-length');
    total = length && !response.headers.get('content-encoding') ? Number(length) : undefined;
    if (!response.body) throw new ModelInstallError(`empty response from ${servedBy}`);
    const meter = hashingMeter(entry, total, (p) => {
      received = p.received;
      touch();
      options.onProgress?.(p);
    });
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    await pipeline(body, meter.stream, createWriteStream(temp), { signal });
    received = meter.received();
    if (total !== undefined && received !== total) throw truncated(servedBy, received, total);
    return { hex: meter.digest(), bytes: received, source: servedBy };
  } catch (err) {
    if (err instanceof ModelInstallError) throw err;
    if (idle.signal.aborted) throw new ModelInstallError(`timed out: no data from ${servedBy} for ${timeoutMs} ms (after ${received} bytes)`);
    if (total !== undefined && received < total) throw truncated(servedBy, received, total);
    throw new ModelInstallError(`download from ${servedBy} failed: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** fetch with redirects followed by hand, so the hop count is bounded and the final URL is known. */
async function fetchFollowing(
  start: string,
  signal: AbortSignal,
  maxRedirects: number,
  onInfo: PullOptions['onInfo'],
): Promise<{ response: Response; finalUrl: string }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const protocol = new URL(url).protocol;
    if (protocol !== 'https:' && protocol !== 'http:') throw new ModelInstallError(`refusing ${protocol} URL ${url}`);
    onInfo?.(hop === 0 ? `GET ${url}` : `  → redirected to ${url}`);
    const response = await fetch(url, {
      redirect: 'manual',
      signal,
      // Ask for the bytes as stored, so Content-Length can be checked against what arrives.
      headers: { 'accept-encoding': 'identity', 'user-agent': 'lumiku-models' },
    });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (hop >= maxRedirects) throw new ModelInstallError(`too many redirects (more than ${maxRedirects}) from ${start}; last ${url}`);
      url = new URL(location, url).toString();
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ModelInstallError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${url}`);
    }
    return { response, finalUrl: url };
  }
}

/** A pass-through that hashes and counts what flows to the temp file. */
function hashingMeter(entry: ModelRegistryEntry, total: number | undefined, onProgress: PullOptions['onProgress']) {
  const hash = newHash(entry.checksum.algorithm);
  let received = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      received += chunk.length;
      onProgress?.({ received, total });
      done(null, chunk);
    },
  });
  return { stream, received: () => received, digest: () => hash.digest('hex') };
}

function truncated(url: string, received: number, total: number): ModelInstallError {
  return new ModelInstallError(`download from ${url} cut off: received ${received} of ${total} announced bytes`);
}

/** undici hides the socket error in `cause` ("fetch failed" → "connect ECONNREFUSED 127.0.0.1:9"). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
