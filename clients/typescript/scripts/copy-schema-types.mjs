// tsc does not emit declaration-only inputs: ship the generated schema types next to dist/index.d.ts.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
copyFileSync(join(root, 'src/schema.d.ts'), join(root, 'dist/schema.d.ts'));
