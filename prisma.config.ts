import { defineConfig } from 'prisma/config';

// Prisma 7 reads the datasource URL here. `env()` would throw when DATABASE_URL is unset even for `generate`,
// so fall back to the same embedded default as libs/config.
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/lumiku';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'node dist/apps/cli/src/main.js seed',
  },
  datasource: {
    url,
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
