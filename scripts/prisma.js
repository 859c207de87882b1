#!/usr/bin/env node
'use strict';
/**
 * Runs the installed Prisma CLI (`node scripts/prisma.js <prisma args>`), used by every db:* npm script.
 * Prisma 7 downloads a native schema-engine binary before any migrate command; where that CDN is unreachable we point
 * PRISMA_SCHEMA_ENGINE_BINARY at scripts/prisma-wasm-engine.js (Prisma's official WASM engine behind the binary's protocol).
 * Engine choice: an explicit PRISMA_SCHEMA_ENGINE_BINARY wins; PRISMA_SCHEMA_ENGINE=native or an already downloaded
 * native binary -> native; otherwise the WASM bridge.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);

// The project changes the database only through migrations; a schema push would bypass them (and drift checks).
if (args.some((a, i) => a === 'db' && args[i + 1] === 'push')) {
  console.error('prisma: schema push is not used in this project. Edit prisma/schema.prisma, then `npm run db:migrate:dev` to create a migration.');
  process.exit(1);
}

const prismaDir = path.dirname(require.resolve('prisma/package.json'));
const env = { ...process.env };

function nativeEngineInstalled() {
  try { // where Prisma keeps downloaded engines (@prisma/engines' package dir), e.g. schema-engine-debian-openssl-3.0.x
    const enginesDir = path.join(path.dirname(require.resolve('@prisma/engines', { paths: [prismaDir] })), '..');
    return fs.readdirSync(enginesDir).some((f) => f.startsWith('schema-engine-'));
  } catch {
    return false;
  }
}

let engine;
if (env.PRISMA_SCHEMA_ENGINE_BINARY) {
  engine = `PRISMA_SCHEMA_ENGINE_BINARY=${env.PRISMA_SCHEMA_ENGINE_BINARY}`;
} else if (env.PRISMA_SCHEMA_ENGINE === 'native' || nativeEngineInstalled()) {
  engine = 'the native schema engine';
} else {
  env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(__dirname, 'prisma-wasm-engine.js');
  engine = 'the WASM schema engine bridge (no native engine here; set PRISMA_SCHEMA_ENGINE=native to download it)';
}
console.error(`prisma: using ${engine}`);

const child = spawn(process.execPath, [path.join(prismaDir, 'build/index.js'), ...args], { stdio: 'inherit', env });
// Ctrl-C reaches the CLI directly (same process group); wait for it to finish rather than dying first.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (e) => { console.error(`prisma: could not start the Prisma CLI: ${e.message}`); process.exit(1); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (require('node:os').constants.signals[signal] ?? 0) : 1)));
