import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { postgresBaseUrl, TEST_DB_NAME, testEnv } from './test-env';

const root = join(__dirname, '..', '..');

/** Recreates the test database, applies the committed migrations the way a deploy does, and seeds it. */
export async function setup(): Promise<void> {
  const admin = new Client({ connectionString: `${postgresBaseUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEST_DB_NAME} WITH (FORCE)`);
  await admin.end();

  const env = { ...process.env, ...testEnv };
  execFileSync('node', ['scripts/prisma.js', 'migrate', 'deploy'], { cwd: root, env, stdio: 'pipe' });
  execFileSync('node', ['dist/apps/cli/src/main.js', 'seed'], { cwd: root, env, stdio: 'pipe' });
}

export async function teardown(): Promise<void> {
  const admin = new Client({ connectionString: `${postgresBaseUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEST_DB_NAME} WITH (FORCE)`);
  await admin.end();

  const redis = new Redis(testEnv.REDIS_URL!);
  // This run's prefix, and the prefixes of files with a queue of their own (`<prefix>-hf`).
  const keys = [...(await redis.keys(`${testEnv.QUEUE_PREFIX}:*`)), ...(await redis.keys(`${testEnv.QUEUE_PREFIX}-*`))];
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await rm(join(testEnv.STORAGE_ROOT!, '..'), { recursive: true, force: true });
}
