#!/usr/bin/env node
'use strict';
/**
 * Part of `npm run build`: builds the typed client (clients/typescript, installing its own dependencies on first use)
 * and assembles the /console page into dist/console: clients/console's files, the client's JS and openapi-fetch.
 * Bare imports are rewritten to relative paths here, so the page needs no import map (no inline script, strict CSP).
 */
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const client = join(root, 'clients/typescript');
const out = join(root, 'dist/console');

function run(args) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build-console: \`npm ${args.join(' ')}\` failed`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(client, 'node_modules/openapi-fetch/package.json')) || !existsSync(join(client, 'node_modules/typescript/package.json'))) {
  run(['--prefix', 'clients/typescript', 'ci', '--no-audit', '--no-fund', '--loglevel=error']);
}
run(['--prefix', 'clients/typescript', 'run', 'build', '--silent']);

rmSync(out, { recursive: true, force: true });
cpSync(join(root, 'clients/console'), out, { recursive: true });

const vendor = join(out, 'vendor');
mkdirSync(join(vendor, 'lumiku-client'), { recursive: true });
cpSync(join(client, 'node_modules/openapi-fetch/dist/index.mjs'), join(vendor, 'openapi-fetch.js'));
for (const file of readdirSync(join(client, 'dist')).filter((f) => f.endsWith('.js'))) {
  let code = readFileSync(join(client, 'dist', file), 'utf8');
  code = code.replace(/from ['"]openapi-fetch['"]/g, "from '../openapi-fetch.js'");
  if (/from ['"][^./][^'"]*['"]/.test(code)) throw new Error(`build-console: ${file} has a bare import the browser cannot resolve`);
  writeFileSync(join(vendor, 'lumiku-client', file), code.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'));
}
// The client's declarations next to its JS: what the page's type check (clients/console/tsconfig.json) reads.
for (const file of readdirSync(join(client, 'dist')).filter((f) => f.endsWith('.d.ts'))) {
  cpSync(join(client, 'dist', file), join(vendor, 'lumiku-client', file));
}
const check = spawnSync(process.execPath, [join(client, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'clients/console/tsconfig.json')], { cwd: root, stdio: 'inherit' });
if (check.status !== 0) {
  console.error('build-console: the console page does not type-check against the typed client (errors above)');
  process.exit(check.status ?? 1);
}
console.log(`console built into ${out}`);
