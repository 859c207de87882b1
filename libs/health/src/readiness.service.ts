import { Injectable } from '@nestjs/common';
import { AiProviderRegistry, toCatalogModel } from '@app/ai-providers';
import { AppConfig } from '@app/config';
import { ALL_QUEUES, JobProducer } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { StorageService } from '@app/storage';
import { CheckResult, ReadinessReport } from './readiness.types';
import { listDeclaredTables, listLocalMigrations } from './schema-files';

const CHECK_TIMEOUT_MS = 3_000;

const REMEDIES: Record<string, string> = {
  database: 'Check DATABASE_URL and that PostgreSQL is running',
  migrations: 'Run `npm run db:deploy`',
  tables: 'Run `npm run db:deploy`',
  catalog: 'Run `npm run db:deploy && npm run db:seed`',
  redis: 'Check REDIS_URL and that Redis is running',
  workers: 'Start a worker: `npm run start:worker`',
  storage: 'Check STORAGE_ROOT exists and is writable by this process',
  providers: 'Set the provider credentials / model files named above, or map the provider with AI_PROVIDER_MAP',
};

/**
 * Everything that must be true before the API can serve: the checks behind GET /api/health/ready and
 * `npm run doctor`. Each failing check says what is wrong and how to fix it.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
    private readonly storage: StorageService,
    private readonly providers: AiProviderRegistry,
  ) {}

  async check(): Promise<ReadinessReport> {
    const database = await this.run('database', () => this.checkDatabase());
    const dbChecks = database.ok
      ? await Promise.all([
          this.run('migrations', () => this.checkMigrations()),
          this.run('tables', () => this.checkTables()),
          this.run('catalog', () => this.checkCatalog()),
          this.run('providers', () => this.checkProviders()),
        ])
      : ['migrations', 'tables', 'catalog', 'providers'].map((name) => skipped(name, 'database unreachable'));
    const redis = await this.run('redis', () => this.checkRedis());
    const workers = redis.ok ? await this.run('workers', () => this.checkWorkers()) : skipped('workers', 'redis unreachable');
    const storage = await this.run('storage', () => this.checkStorage());
    const checks = [database, ...dbChecks, redis, workers, storage];
    return { ready: checks.every((c) => c.ok), checks };
  }

  private async checkDatabase(): Promise<CheckResult> {
    await this.prisma.$queryRaw`SELECT 1`;
    return { name: 'database', ok: true, detail: 'reachable' };
  }

  private async checkMigrations(): Promise<CheckResult> {
    const local = await listLocalMigrations();
    const exists = await this.prisma.$queryRaw<{ present: boolean }[]>`
      SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`;
    const rows = exists[0]?.present
      ? await this.prisma.$queryRaw<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[]>`
          SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations`
      : [];
    const applied = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name));
    const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name);
    const pending = local.filter((name) => !applied.has(name));
    const unknown = [...applied].filter((name) => !local.includes(name));
    const ok = pending.length === 0 && failed.length === 0;
    const parts = [`${local.length - pending.length}/${local.length} applied`];
    if (pending.length) parts.push(`pending: ${pending.join(', ')}`);
    if (failed.length) parts.push(`failed: ${failed.join(', ')}`);
    if (unknown.length) parts.push(`applied but not in this build: ${unknown.join(', ')}`);
    return {
      name: 'migrations',
      ok,
      detail: parts.join('; '),
      remedy: failed.length
        ? 'Resolve the failed migration (`prisma migrate resolve`), then run `npm run db:deploy`'
        : ok
          ? undefined
          : REMEDIES.migrations,
      data: { pending, failed },
    };
  }

  private async checkTables(): Promise<CheckResult> {
    const declared = await listDeclaredTables();
    const rows = await this.prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = current_schema()`;
    const present = new Set(rows.map((r) => r.table_name));
    const missing = declared.filter((t) => !present.has(t));
    return {
      name: 'tables',
      ok: missing.length === 0,
      detail: missing.length ? `missing: ${missing.join(', ')}` : `${declared.length} tables present`,
      remedy: missing.length ? 'Run `npm run db:deploy`; if nothing is pending, a migration is missing from the repo' : undefined,
      data: { missing },
    };
  }

  private async checkCatalog(): Promise<CheckResult> {
    const counts = await this.prisma.aiModel.groupBy({ by: ['appId'], where: { enabled: true }, _count: { _all: true } });
    const perApp = Object.fromEntries(this.config.ENABLED_APPS.map((app) => [app, 0]));
    for (const row of counts) if (row.appId in perApp) perApp[row.appId] = row._count._all;
    const empty = Object.entries(perApp).filter(([, n]) => n === 0).map(([app]) => app);
    return {
      name: 'catalog',
      ok: empty.length === 0,
      detail: Object.entries(perApp).map(([app, n]) => `${app}: ${n} enabled models`).join('; '),
      remedy: empty.length ? `No enabled models for ${empty.join(', ')}: run \`npm run db:seed\`` : undefined,
      data: { models: perApp },
    };
  }

  /** Which provider serves each enabled model here, and whether it can (key, model file, ...). No network calls. */
  private async checkProviders(): Promise<CheckResult> {
    const models = await this.prisma.aiModel.findMany({
      where: { enabled: true, appId: { in: this.config.ENABLED_APPS } },
      orderBy: [{ appId: 'asc' }, { sortOrder: 'asc' }],
    });
    const rows = await Promise.all(
      models.map(async (m) => ({
        modelKey: m.modelKey,
        ...(await this.providers.availability(toCatalogModel(m))),
      })),
    );
    const unavailable = rows.filter((r) => !r.available);
    const substituted = rows.filter((r) => r.substitute).length;
    return {
      name: 'providers',
      ok: unavailable.length === 0,
      detail: unavailable.length
        ? `unavailable: ${unavailable.map((r) => `${r.modelKey} (${r.detail})`).join('; ')}`
        : `${rows.length} models servable${substituted ? `; ${substituted} by a substitute provider (${this.providers.mappingSource})` : ''}`,
      remedy: unavailable.length ? providerRemedy(unavailable) : undefined,
      data: { models: rows },
    };
  }

  private async checkRedis(): Promise<CheckResult> {
    const client = await this.jobs.queue(ALL_QUEUES[0]!).getBackend().client;
    const pong = String(await client.runCommand('ping', []));
    return { name: 'redis', ok: pong === 'PONG', detail: pong === 'PONG' ? 'reachable' : `unexpected reply ${pong}` };
  }

  private async checkWorkers(): Promise<CheckResult> {
    const counts = Object.fromEntries(
      await Promise.all(ALL_QUEUES.map(async (q) => [q, await this.jobs.queue(q).getWorkersCount()] as const)),
    );
    const idle = Object.entries(counts).filter(([, n]) => n === 0).map(([q]) => q);
    return {
      name: 'workers',
      ok: idle.length === 0,
      detail: Object.entries(counts).map(([q, n]) => `${q}: ${n}`).join('; '),
      remedy: idle.length ? `No worker consumes ${idle.join(', ')}: start one with \`npm run start:worker\`` : undefined,
      data: { workers: counts },
    };
  }

  private async checkStorage(): Promise<CheckResult> {
    await this.storage.checkWritable();
    return { name: 'storage', ok: true, detail: `${this.config.STORAGE_DRIVER} storage writable` };
  }

  private async run(name: string, fn: () => Promise<CheckResult>): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      return { name, ok: false, detail: describe(err), remedy: REMEDIES[name] };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The exact commands the providers name (e.g. `npm run models -- pull u2netp` for a missing or corrupt model
 * file), and the generic advice only when some unavailable model has no specific fix.
 */
function providerRemedy(unavailable: { modelKey: string; remedy?: string }[]): string {
  const specific = [...new Set(unavailable.flatMap((r) => (r.remedy ? [`\`${r.remedy}\``] : [])))];
  const needsGeneric = unavailable.some((r) => !r.remedy);
  if (!specific.length) return REMEDIES.providers;
  return `Run ${specific.join(' and ')}${needsGeneric ? `; otherwise: ${REMEDIES.providers}` : ''}`;
}

function skipped(name: string, why: string): CheckResult {
  return { name, ok: false, detail: `not checked: ${why}`, remedy: REMEDIES[name] };
}

/** Error text without stack or connection strings. */
function describe(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const firstLine = raw.split('\n').find((l) => l.trim()) ?? 'error';
  return firstLine.replace(/\b[a-z]+:\/\/[^\s]+/gi, '<url>').slice(0, 300);
}
