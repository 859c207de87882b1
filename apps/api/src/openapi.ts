import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfigOrExit } from '@app/config';
import { ApiModule } from './api.module';
import { configureApp, createFastifyAdapter } from './app.setup';
import { buildOpenApiDocument } from './common/swagger';

/**
 * Writes the OpenAPI document (`node dist/apps/api/src/openapi.js openapi.json`), or with --check fails when the
 * committed file differs from what the code declares.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const file = args.find((a) => !a.startsWith('--')) ?? 'openapi.json';
  const config = loadConfigOrExit({ ...process.env, SWAGGER_ENABLED: 'false', LOG_LEVEL: 'error' });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), createFastifyAdapter(config), { logger: false });
  await configureApp(app, config);
  const json = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  await app.close();
  if (!check) {
    await writeFile(file, json);
    console.log(`wrote ${file}`);
    return 0;
  }
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed === json) {
    console.log(`${file} is up to date`);
    return 0;
  }
  console.error(`${file} is stale: run \`npm run openapi\` and commit the result`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
