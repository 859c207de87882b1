import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Environment for the integration suite: the real local PostgreSQL and Redis, a database of its own that
 * global setup recreates and migrates, a queue prefix and storage root unique to this run.
 */
const pid = process.env.VITEST_RUN_ID ?? String(process.pid);
process.env.VITEST_RUN_ID = pid;

const pgBase = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** Per run, so two suites on one machine never drop each other's database. */
export const TEST_DB_NAME = `lumiku_test_${pid}`;

export const testEnv: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: `${pgBase}/${TEST_DB_NAME}`,
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `lumiku-test-${pid}`,
  STORAGE_ROOT: join(tmpdir(), `lumiku-test-${pid}`, 'storage'),
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  SIGNUP_CREDITS: '100',
  // Limits are counted in Redis and shared by every app of this run (like replicas): keep them out of the way of
  // suites that register many users; the limiter itself is exercised by test/reliability/shared-rate-limit.test.ts.
  RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  RATE_LIMIT_IP_PER_MINUTE: '100000',
  RATE_LIMIT_USER_PER_MINUTE: '100000',
  RECONCILE_GRACE_SECONDS: '1',
  SHUTDOWN_TIMEOUT_SECONDS: '10',
};

export const postgresBaseUrl = pgBase;
