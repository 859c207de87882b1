import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The prisma/ folder shipped with the app (cwd is the project root in dev, /app in the container). */
export const PRISMA_DIR = resolve(process.env.PRISMA_DIR ?? 'prisma');

/** Migration directory names in prisma/migrations, sorted (the order Prisma applies them). */
export async function listLocalMigrations(dir = join(PRISMA_DIR, 'migrations')): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Table names the Prisma schema declares (`@@map`, else the model name). */
export async function listDeclaredTables(schemaPath = join(PRISMA_DIR, 'schema.prisma')): Promise<string[]> {
  const schema = await readFile(schemaPath, 'utf8');
  const tables: string[] = [];
  for (const match of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, model, body] = match;
    const mapped = /@@map\("([^"]+)"\)/.exec(body ?? '');
    tables.push(mapped?.[1] ?? model!);
  }
  return tables.sort();
}
