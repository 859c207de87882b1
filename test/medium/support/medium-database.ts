import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module, type ModuleMetadata } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { inject } from 'vitest';
import { AppConfig, ConfigModule, parseConfig } from '@app/config';
import { JobProducer } from '@app/jobs';
import { PrismaModule, PrismaService } from '@app/prisma';

export const MEDIUM_PG_BASE = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${MEDIUM_PG_BASE}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface MediumContext {
  module: TestingModule;
  prisma: PrismaService;
  /** Closes the module (its pool), drops the file's database and removes its storage root. */
  close(): Promise<void>;
}

/**
 * A spec file's own database, copied from the migrated template, and a Nest module of the services under test on
 * it: real PostgreSQL, no HTTP, no Redis; a storage root of its own on local disk. Config is parsed once here (the
 * process env is not touched).
 */
export async function mediumContext(metadata: ModuleMetadata, overrides: Record<string, string> = {}): Promise<MediumContext> {
  const database = `lumiku_medium_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${database} TEMPLATE ${inject('mediumTemplateDatabase')}`));
  const config = parseConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `${MEDIUM_PG_BASE}/${database}`,
    STORAGE_ROOT: join(tmpdir(), database),
    ...overrides,
  }) as AppConfig;
  const module = await Test.createTestingModule({
    ...metadata,
    imports: [ConfigModule.forRoot(config), PrismaModule, NoQueueModule, ...(metadata.imports ?? [])],
  }).compile();
  await module.init();
  return {
    module,
    prisma: module.get(PrismaService),
    close: async () => {
      await module.close();
      await dropDatabase(database);
      await rm(config.STORAGE_ROOT, { recursive: true, force: true });
    },
  };
}

/**
 * The medium layer has no Redis. Stores settle rows without enqueueing (single jobs; the reconciler's give-up path),
 * so the producer is provided only to satisfy injection, and any call fails the test loudly.
 */
const NO_QUEUE = {
  provide: JobProducer,
  useValue: Object.fromEntries(
    (['queue', 'enqueue', 'enqueueBulk'] as const).map((method) => [
      method,
      () => {
        throw new Error(`the medium layer has no queue: JobProducer.${method} was called`);
      },
    ]),
  ),
};

/** Global like the real JobsModule, so product modules that inject the producer resolve it. */
@Global()
@Module({ providers: [NO_QUEUE], exports: [JobProducer] })
class NoQueueModule {}
