import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { pgAdmin, PG_BASE, ROOT, RUN_DIR, TEMPLATE_DB } from '../support/deployment';

/**
 * Reliability suite setup: the suite runs the BUILT processes (dist/), so they must exist. Then one template
 * database is produced the way a deploy does it (`prisma migrate deploy` + the seed CLI); each scenario copies
 * it into a database of its own (lumiku_rel_<scenario>) in milliseconds. Nothing here touches lumiku_test or the
 * integration suite's queue prefix.
 */
export async function setup(): Promise<void> {
  for (const app of ['api', 'worker', 'cli']) {
    if (!existsSync(join(ROOT, `dist/apps/${app}/src/main.js`))) {
      throw new Error(`dist/apps/${app}/src/main.js is missing: run \`npm run build\` before \`npm run test:reliability\``);
    }
  }
  await pgAdmin(async (c: Client) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  });
  const env = { ...process.env, DATABASE_URL: `${PG_BASE}/${TEMPLATE_DB}`, LOG_LEVEL: 'warn' };
  execFileSync(process.execPath, ['scripts/prisma.js', 'migrate', 'deploy'], { cwd: ROOT, env, stdio: 'pipe' });
  execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'seed'], { cwd: ROOT, env, stdio: 'pipe' });
}

export async function teardown(): Promise<void> {
  await pgAdmin((c: Client) => c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`));
  if (process.env.KEEP_RELIABILITY_LOGS) {
    console.log(`reliability logs kept in ${RUN_DIR}`);
  } else {
    rmSync(RUN_DIR, { recursive: true, force: true });
  }
}
