import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, parseConfig } from '@app/config';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApp, createFastifyAdapter } from '../../apps/api/src/app.setup';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { testEnv } from './test-env';

/** The integration suite's config with `overrides`, parsed once; process.env is not touched. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return parseConfig({ ...process.env, ...testEnv, ...overrides }) as AppConfig;
}

/** The real API (Fastify, pipes, filters, guards) on the real database and Redis; requests via app.inject. */
export async function createTestApi(overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  const config = testConfig(overrides);
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), createFastifyAdapter(config), {
    logger: false,
    abortOnError: false,
  });
  await configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** An in-process worker consuming the test queues. */
export async function createTestWorker(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(WorkerModule.forRoot(testConfig(overrides)), { logger: false, abortOnError: false });
}
