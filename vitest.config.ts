import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { testEnv } from './test/support/test-env';

const libs = ['config', 'common', 'prisma', 'credits', 'storage', 'images', 'jobs', 'health', 'ai-providers', 'users', 'background-remover', 'avatar-creator', 'metrics'];
const alias = Object.fromEntries(libs.map((lib) => [`@app/${lib}`, resolve(__dirname, `libs/${lib}/src`)]));

export default defineConfig({
  resolve: { alias },
  test: {
    // Real PostgreSQL and Redis are shared: keep the load predictable on 2 cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        resolve: { alias },
        test: { name: 'unit', include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'] },
      },
      {
        // Services on a real PostgreSQL, no HTTP, no Redis: each spec file copies a migrated template database
        // (CREATE DATABASE … TEMPLATE) into one of its own, so files are isolated and may run side by side.
        extends: true,
        resolve: { alias },
        test: {
          name: 'medium',
          include: ['test/medium/**/*.spec.ts'],
          globalSetup: ['test/medium/global-setup.ts'],
          fileParallelism: true,
        },
      },
      {
        extends: true,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/reliability/**', 'node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          env: testEnv,
        },
      },
      {
        // Real api/worker processes from dist/ under faults (kill -9, Redis/PostgreSQL loss, SIGTERM, bad input).
        // Each scenario has its own database, queue prefix, storage root (and Redis where it stops one).
        extends: true,
        resolve: { alias },
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          globalSetup: ['test/reliability/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
