import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { sleep, waitFor } from './wait';

// The reliability scenarios import these from here with the rest of their tooling.
export { sleep, waitFor };

/**
 * Real deployments for the reliability suite: the BUILT api / worker / cli (dist/) as child processes, each
 * deployment with its own database, queue prefix and storage root, every process's stdout+stderr captured to a
 * file (the suite later searches those files for secrets). Loopback only.
 */

const run = promisify(execFile);
export const ROOT = join(__dirname, '..', '..');
export const PG_BASE = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * One directory per suite run (logs, storage). The first import (global setup, in vitest's main process) fixes the
 * id in the environment, which the test workers inherit, so every test file agrees.
 */
export const RUN_ID = (process.env.LUMIKU_REL_RUN_ID ??= String(process.pid));
export const RUN_DIR = join(tmpdir(), `lumiku-rel-${RUN_ID}`);
export const LOG_DIR = join(RUN_DIR, 'logs');
/** Migrated + seeded once by global setup; each deployment copies it (CREATE DATABASE … TEMPLATE). */
export const TEMPLATE_DB = 'lumiku_rel_template';

export async function pgAdmin<T>(fn: (client: Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new Client({ connectionString: `${PG_BASE}/${database}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output goes to a log file (and a bounded in-memory tail). */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  private tail = '';
  private readonly log: WriteStream;
  exitInfo: ExitInfo | undefined;

  constructor(
    readonly name: string,
    readonly logFile: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    mkdirSync(LOG_DIR, { recursive: true });
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer) => {
      this.log.write(chunk);
      this.tail = (this.tail + chunk.toString('utf8')).slice(-50_000);
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        // Let the pipes drain into the file before anyone reads it.
        setTimeout(() => this.log.end(() => resolve({ code, signal })), 50);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitInfo === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.tail;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** Sends `sig`, waits up to `timeoutMs`, then SIGKILL. Resolves with how it exited. */
  async stop(sig: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    this.child.kill(sig);
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut && this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    await waitFor(`${this.name} to log ${pattern}`, async () => {
      if (!this.running && !pattern.test(this.tail)) throw new Error(`${this.name} exited: ${this.tail.slice(-2000)}`);
      return pattern.test(this.tail);
    }, timeoutMs, 100);
  }
}

export interface DeploymentOptions {
  /** Extra environment for every process of the deployment. */
  env?: Record<string, string>;
}

/**
 * One deployment: database `lumiku_rel_<name>`, queue prefix and storage root of its own, any number of api /
 * worker processes started from dist/. Redis is the machine's shared one unless `env.REDIS_URL` says otherwise.
 */
export class Deployment {
  readonly dbName: string;
  readonly env: Record<string, string>;
  readonly processes: ManagedProcess[] = [];
  private seq = 0;

  constructor(
    readonly name: string,
    opts: DeploymentOptions = {},
  ) {
    this.dbName = `lumiku_rel_${name}`;
    this.env = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATABASE_URL: `${PG_BASE}/${this.dbName}`,
      REDIS_URL: SHARED_REDIS_URL,
      QUEUE_PREFIX: `lumiku-rel-${name}-${RUN_ID}`,
      STORAGE_ROOT: join(RUN_DIR, 'storage', name),
      JWT_SECRET: `reliability-only-jwt-secret-${RUN_ID}-0123456789abcdef`,
      // info: request logs and job logs are written, so the secret scan has something to search.
      LOG_LEVEL: 'info',
      SIGNUP_CREDITS: '100',
      SWAGGER_ENABLED: 'false',
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
      RECONCILE_INTERVAL_SECONDS: '2',
      RECONCILE_GRACE_SECONDS: '3',
      SHUTDOWN_TIMEOUT_SECONDS: '20',
      ...opts.env,
    };
  }

  /** Fresh database copied from the migrated + seeded template (what `migrate deploy && seed` produces). */
  async createDatabase(kind: 'seeded' | 'empty' = 'seeded'): Promise<void> {
    await pgAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
      await c.query(kind === 'seeded' ? `CREATE DATABASE ${this.dbName} TEMPLATE ${TEMPLATE_DB}` : `CREATE DATABASE ${this.dbName}`);
    });
  }

  async dropDatabase(): Promise<void> {
    await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`));
  }

  /** A client on this deployment's database (caller ends it). */
  async db(): Promise<Client> {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    return client;
  }

  async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    return pgAdmin(async (c) => (await c.query(sql, params)).rows as R[], this.dbName);
  }

  private spawn(kind: 'api' | 'worker', env: Record<string, string>): ManagedProcess {
    const n = ++this.seq;
    const proc = new ManagedProcess(
      `${this.name}-${kind}-${n}`,
      join(LOG_DIR, `${this.name}-${kind}-${n}.log`),
      [`dist/apps/${kind}/src/main.js`],
      { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env, ...env },
    );
    this.processes.push(proc);
    return proc;
  }

  /** Starts an api on a free port and waits until GET /api/health answers. */
  async startApi(env: Record<string, string> = {}): Promise<ManagedProcess & { baseUrl: string }> {
    const port = env.PORT ?? String(await freePort());
    const proc = this.spawn('api', { ...env, PORT: port }) as ManagedProcess & { baseUrl: string };
    proc.baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(`${proc.name} /api/health`, async () => {
      if (!proc.running) throw new Error(`${proc.name} exited during boot: ${proc.output().slice(-3000)}`);
      const res = await fetch(`${proc.baseUrl}/api/health`).catch(() => undefined);
      return res?.status === 200;
    }, 30_000, 100);
    return proc;
  }

  /** Starts a worker and waits for its "worker started" log line. */
  async startWorker(env: Record<string, string> = {}): Promise<ManagedProcess> {
    const proc = this.spawn('worker', env);
    await proc.waitForOutput(/worker started/, 30_000);
    return proc;
  }

  /** Runs the built CLI (`seed`, `doctor`, …) against this deployment; output is captured to the log dir too. */
  async cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const file = join(LOG_DIR, `${this.name}-cli-${++this.seq}.log`);
    mkdirSync(LOG_DIR, { recursive: true });
    const log = createWriteStream(file);
    try {
      const { stdout, stderr } = await run(process.execPath, ['dist/apps/cli/src/main.js', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env, ...env },
        timeout: 60_000,
      });
      log.write(stdout + stderr);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      log.write((e.stdout ?? '') + (e.stderr ?? ''));
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    } finally {
      log.end();
    }
  }

  /** Everything every process of this deployment wrote. */
  logs(): string {
    return this.processes.map((p) => readLog(p.logFile)).join('\n');
  }

  /** Stops every process (SIGTERM, then SIGKILL), removes the queue keys, the storage root and the database. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGTERM', 10_000)));
    if (this.env.REDIS_URL === SHARED_REDIS_URL) await deleteQueueKeys(SHARED_REDIS_URL, this.env.QUEUE_PREFIX!);
    rmSync(this.env.STORAGE_ROOT!, { recursive: true, force: true });
    await this.dropDatabase();
  }
}

export function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    /* best effort */
  } finally {
    redis.disconnect();
  }
}

/**
 * A redis-server of the test's own (never the machine's shared one), so a test may stop and restart it.
 * No persistence: a restart comes back empty, the harshest case for the queue.
 */
export class OwnRedis {
  private proc: ChildProcess | undefined;
  private readonly dir: string;

  constructor(readonly port: number) {
    this.dir = join(RUN_DIR, `redis-${port}`);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(LOG_DIR, { recursive: true });
    const log = createWriteStream(join(LOG_DIR, `redis-${this.port}.log`), { flags: 'a' });
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    this.proc = proc;
    await waitFor(`redis on ${this.port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`redis-server on ${this.port} exited with ${proc.exitCode}`);
      const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    }, 10_000, 100);
  }

  /** Stops the server (SIGTERM = shutdown, no save) and waits for the process to exit. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    this.proc = undefined;
  }
}
