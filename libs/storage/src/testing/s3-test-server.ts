import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { S3Config } from '../s3-storage.options';

/** s3rver's fixed credentials (it checks the access key id; it does not verify SigV4 signatures). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * s3rver runs in a child process because its ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only has
 * in the legacy provider (`--openssl-legacy-provider`, a per-process flag). Its stdin is our pipe: if the test
 * process dies, the server exits too.
 */
const SERVER_SCRIPT = `
const S3rver = require('s3rver');
const { directory, buckets } = JSON.parse(process.argv[1]);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory,
  configureBuckets: buckets.map((name) => ({ name })) });
server.run().then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export interface S3TestServer {
  endpoint: string;
  /** Where s3rver keeps its objects (a temp directory, removed by close()). */
  directory: string;
  /** Settings for the config schema / s3OptionsFromConfig, pointing at this server. */
  config(overrides?: Partial<S3Config>): S3Config;
  /** The same as environment variables, for createTestApi or a child process. */
  env(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 with an ephemeral port, a temp directory and the given (empty) buckets. */
export async function startS3TestServer(buckets: string[]): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SCRIPT, JSON.stringify({ directory, buckets })], {
    cwd: resolve(__dirname, '../../..'), // the repository root, where s3rver (a dev dependency) resolves
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const port = await readPort(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const config = (overrides: Partial<S3Config> = {}): S3Config => ({
    S3_BUCKET: buckets[0],
    S3_PRIVATE_BUCKET: undefined,
    S3_PUBLIC_BUCKET: undefined,
    S3_PRIVATE_PREFIX: 'private/',
    S3_PUBLIC_PREFIX: 'public/',
    S3_REGION: 'us-east-1',
    S3_ENDPOINT: endpoint,
    S3_PRESIGN_ENDPOINT: undefined,
    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: true,
    ...overrides,
  });
  return {
    endpoint,
    directory,
    config,
    env: (overrides = {}) => ({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: buckets[0] ?? '',
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      ...overrides,
    }),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.stdin.end();
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function readPort(child: ChildProcessWithoutNullStreams): Promise<number> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    const onExit = (code: number | null) => fail(new Error(`s3rver exited (${code}) before listening: ${stderr.trim()}`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout }).once('line', (line) => {
      child.off('exit', onExit);
      done((JSON.parse(line) as { port: number }).port);
    });
  });
}
