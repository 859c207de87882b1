// Fails when src/schema.d.ts is not what openapi-typescript makes from the committed ../../openapi.json
// (someone changed the API and forgot `npm run generate`). Regenerates to a temp file; the committed one is untouched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'lumiku-client-'));
const fresh = join(dir, 'schema.d.ts');
try {
  // The same command as `npm run generate` (one place for its flags), writing to the temp file instead.
  const [, ...args] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.generate.split(' ');
  const output = args.indexOf('--output');
  args.splice(output, 2, '--output', fresh);
  execFileSync(process.execPath, [join(root, 'node_modules/openapi-typescript/bin/cli.js'), ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const committed = readFileSync(join(root, 'src/schema.d.ts'), 'utf8');
  if (readFileSync(fresh, 'utf8') !== committed) {
    console.error('clients/typescript/src/schema.d.ts is stale: run `npm --prefix clients/typescript run generate` and commit it');
    process.exit(1);
  }
  console.log('clients/typescript/src/schema.d.ts matches openapi.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
