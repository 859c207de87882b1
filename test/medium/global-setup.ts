import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropDatabase, MEDIUM_PG_BASE } from './support/medium-database';

/**
 * Medium layer setup: ONE database migrated the way a deploy does it (`prisma migrate deploy`), used only as a
 * template; every spec file then copies it into a database of its own in milliseconds (CREATE DATABASE … TEMPLATE).
 * Named after this run's process so parallel runs on one machine never touch each other's.
 */
const TEMPLATE_DB = `lumiku_template_${process.pid}`;

export async function setup(project: TestProject): Promise<void> {
  await dropDatabase(TEMPLATE_DB);
  const env = { ...process.env, DATABASE_URL: `${MEDIUM_PG_BASE}/${TEMPLATE_DB}` };
  execFileSync(process.execPath, ['scripts/prisma.js', 'migrate', 'deploy'], { cwd: join(__dirname, '..', '..'), env, stdio: 'pipe' });
  project.provide('mediumTemplateDatabase', TEMPLATE_DB);
}

export async function teardown(): Promise<void> {
  await dropDatabase(TEMPLATE_DB);
}

declare module 'vitest' {
  export interface ProvidedContext {
    mediumTemplateDatabase: string;
  }
}
