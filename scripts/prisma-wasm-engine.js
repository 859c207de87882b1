#!/usr/bin/env node
'use strict';
/**
 * Drop-in replacement for Prisma's native `schema-engine` binary, for machines that cannot download it.
 * scripts/prisma.js points PRISMA_SCHEMA_ENGINE_BINARY here; the Prisma CLI then runs this file exactly like the binary:
 *   FILE --version                                         -> prints "schema-engine-cli <hash>"
 *   FILE --datasource JSON cli can-connect-to-database     -> exit code (+ JSON log lines on stderr)
 *   FILE --datasource JSON cli create-database             -> exit code
 *   FILE [--datamodels PATH]... [--datasource JSON]        -> JSON-RPC 2.0 server, one JSON object per line on stdin/stdout
 * The work is done by @prisma/schema-engine-wasm (Prisma's official WASM build of the same engine) over @prisma/adapter-pg.
 * PostgreSQL only. `schemaPush` (Prisma's schema push) is rejected on purpose: this project only changes schemas via migrations.
 */
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const crypto = require('node:crypto');
const readline = require('node:readline');
const { pathToFileURL } = require('node:url');
const pg = require('pg');
const { PrismaPg } = require('@prisma/adapter-pg');
const { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = require('@prisma/driver-adapter-utils');
// pg's own URL parser (a dependency of pg, resolved from there rather than declared separately).
const { parseIntoClientConfig } = require(require.resolve('pg-connection-string', { paths: [path.dirname(require.resolve('pg'))] }));

const WASM_GLUE = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
// The engine panics when given zero datamodels, and commands like `migrate diff` pass none.
const FALLBACK_DATAMODEL = ['schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n'];
const PASSTHROUGH = ['applyMigrations', 'createMigration', 'dbExecute', 'debugPanic', 'devDiagnostic', 'diagnoseMigrationHistory',
  'ensureConnectionValidity', 'evaluateDataLoss', 'introspect', 'introspectSql', 'markMigrationApplied', 'markMigrationRolledBack', 'reset'];

// ---- stderr: the CLI reads it as JSON log lines ({level, fields: {message, error_code}}), so nothing else may go there ----
function log(level, message, extra = {}) {
  try {
    process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message, ...extra }, target: 'schema_engine::logger' })}\n`);
  } catch { /* the CLI may already have closed the pipe */ }
}
for (const k of ['log', 'info', 'debug', 'warn', 'error']) console[k] = (...a) => log(k === 'warn' || k === 'error' ? 'WARN' : 'INFO', util.format(...a));
process.removeAllListeners('warning');
process.on('warning', (w) => log('WARN', String(w)));

const ident = (name) => `"${String(name).replace(/"/g, '""')}"`;
const userError = (code, message) => Object.assign(new Error(message), { code });

// ---- connections ----
function pgConfig(url) {
  if (!url) throw userError('P1012', 'No datasource URL was given (set DATABASE_URL).');
  const { schema, connect_timeout: timeout, ...config } = { ...parseIntoClientConfig(url) };
  // Prisma's default connect_timeout is 5 s; pg's default is to wait forever (an unreachable host would hang).
  return { config: { ...config, connectionTimeoutMillis: Number(timeout ?? 5) * 1000 }, options: schema ? { schema } : undefined };
}

async function withClient(config, fn) {
  const client = new pg.Client(config);
  client.on('error', () => {});
  await client.connect();
  try { return await fn(client); } finally { await client.end().catch(() => {}); }
}

// Same error codes and wording as the native engine, so the CLI reacts the same way (P1003 -> it creates the database).
function describePgError(e, c) {
  const at = `${c.host ?? 'localhost'}:${c.port ?? 5432}`;
  if (e.code === '3D000') return { code: 'P1003', message: `Database \`${c.database}\` does not exist on the database server at \`${at}\`.` };
  if (e.code === '28P01' || e.code === '28000') {
    return { code: 'P1000', message: `Authentication failed against database server at \`${c.host}\`, the provided database credentials for \`${c.user}\` are not valid.` };
  }
  if (e.code === '42P04') return { code: 'P1009', message: `Database \`${c.database}\` already exists on the database server at \`${at}\`` };
  if (/^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN|TIMEDOUT)$/.test(e.code ?? '') || /timeout|terminated/i.test(e.message)) {
    return { code: 'P1001', message: `Can't reach database server at \`${at}\`\n\nPlease make sure your database server is running at \`${at}\`.` };
  }
  return { code: /^P\d{4}$/.test(e.code ?? '') ? e.code : undefined, message: e.message };
}

async function createDatabase(url) {
  const { config } = pgConfig(url);
  let lastError;
  for (const database of ['postgres', 'template1']) { // CREATE DATABASE must run from another database
    try { await withClient({ ...config, database }, (c) => c.query(`CREATE DATABASE ${ident(config.database)}`)); return config.database; }
    catch (e) { lastError = e; if (e.code !== '3D000' && e.code !== '42501') break; }
  }
  throw Object.assign(new Error(describePgError(lastError, config).message), { code: describePgError(lastError, config).code });
}

// Temporary shadow databases we created: dropped on adapter dispose, and again at exit as a safety net.
const shadowDbs = new Map();
async function dropShadowDb(name) {
  const config = shadowDbs.get(name);
  if (!config) return;
  shadowDbs.delete(name);
  await withClient(config, (c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`))
    .catch((e) => log('WARN', `Could not drop temporary shadow database ${name}: ${e.message}`));
}

function prepareAdapter(adapter) {
  // adapter-pg 7.10 throws on Postgres' "char" type (OID 18), which the engine's catalog queries return (e.g. contype).
  // Let adapter-pg see text (OID 25), then report those columns as Character: the engine reads them as chars and
  // panics on text as soon as the database has a CHECK constraint. Patched on the shared PgQueryable prototype
  // (not exported) so transactions are covered too; char columns are remembered per result (keyed by its rows array).
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(adapter));
  if (!proto.queryRaw.bridged) {
    const charColumns = new WeakMap();
    const { performIO, queryRaw } = proto;
    proto.performIO = async function (query) {
      const result = await performIO.call(this, query);
      const chars = [];
      result?.fields?.forEach((field, i) => { if (field.dataTypeID === 18) { field.dataTypeID = 25; chars.push(i); } });
      if (chars.length) charColumns.set(result.rows, chars);
      return result;
    };
    proto.queryRaw = Object.assign(async function (query) {
      const result = await queryRaw.call(this, query);
      for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
      return result;
    }, { bridged: true });
  }
  // adapter-pg splits scripts on ";" (breaks on semicolons in comments/strings) and runs the pieces on any pool client
  // outside a transaction. Like the native engine, send the script as ONE simple query: a failed migration leaves nothing behind.
  adapter.executeScript = async function (script) {
    try { await this.client.query(script); } catch (e) { this.onError(e); }
  };
  return adapter;
}

class BridgePgFactory extends PrismaPg {
  constructor({ config, options }, shadowDatabaseUrl) { super(config, options); this.shadowDatabaseUrl = shadowDatabaseUrl; }
  async connect() { return prepareAdapter(await super.connect()); }

  // Upstream connectToShadowDb() connects to the MAIN database when given a connection string (it overrides `database`)
  // and drops its temp database while its own pool is still open; so use shadowDatabaseUrl or manage a temp db here.
  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) return this.connectToConfiguredShadowDb();
    const name = `prisma_shadow_${Date.now().toString(36)}_${crypto.randomBytes(4).toString('hex')}`;
    await withClient(this.config, (c) => c.query(`CREATE DATABASE ${ident(name)}`));
    shadowDbs.set(name, this.config);
    const adapter = await new BridgePgFactory({ config: { ...this.config, database: name }, options: this.options }).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => { await dispose(); await dropShadowDb(name); };
    return adapter;
  }

  // A configured shadow database is wiped first, as the native engine does (the WASM engine would reuse the last run's tables).
  async connectToConfiguredShadowDb() {
    const shadow = pgConfig(this.shadowDatabaseUrl);
    const where = (c) => [c.host ?? 'localhost', String(c.port ?? 5432), c.database].join('/');
    if (where(shadow.config) === where(this.config)) {
      throw new Error('The shadow database you configured appears to be the same as the main database. Please specify another shadow database.');
    }
    await withClient(shadow.config, (c) => c.query(`DO $$ DECLARE s text; BEGIN
      FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', s);
      END LOOP;
      CREATE SCHEMA public;
    END $$`));
    return new BridgePgFactory(shadow).connect();
  }
}

// ---- WASM engine ----
let wasmGlue;
async function loadWasm() {
  // Node 20 cannot import the package's `.wasm` entry (ESM integration), so instantiate it against its JS glue by hand.
  // The panic hook reports through this registry; without it a panic is an opaque "unreachable" trap.
  globalThis.PRISMA_WASM_PANIC_REGISTRY = { message: '', set_message(m) { this.message = m; }, get() { return this.message; } };
  const glue = await import(pathToFileURL(WASM_GLUE).href);
  const module = new WebAssembly.Module(fs.readFileSync(path.join(path.dirname(WASM_GLUE), 'schema_engine_bg.wasm')));
  const { exports } = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(exports);
  exports.__wbindgen_start();
  return glue;
}

// Plain JS errors thrown inside the adapter (e.g. a pg connect timeout) reach the engine only as "External error id#N";
// the original is kept in the bound factory's error registry.
const errorRegistries = [];
function explainError(e) {
  const id = /External error id#(\d+)/.exec(e?.message ?? '')?.[1];
  for (const { registry, config } of id ? errorRegistries : []) {
    const original = registry.consumeError(Number(id))?.error;
    if (original) return Object.assign(new Error(), describePgError(original, config));
  }
  return e;
}

async function newEngine(args, conn) {
  wasmGlue ??= await loadWasm();
  const datamodels = args.datamodels.length ? args.datamodels.map((p) => [p, fs.readFileSync(p, 'utf8')]) : [FALLBACK_DATAMODEL];
  const factory = bindMigrationAwareSqlAdapterFactory(new BridgePgFactory(conn, args.datasource.shadowDatabaseUrl));
  errorRegistries.unshift({ registry: factory.errorRegistry, config: conn.config });
  return wasmGlue.SchemaEngine.new({ datamodels }, (line) => process.stderr.write(`${String(line).trim()}\n`), factory);
}

// The WASM engine connects to the main database as soon as it is created, the native one only when needed. A `diff` that
// reads no live database (e.g. --from-migrations --to-schema, the drift check) must not need it to exist: fall back to the
// server's maintenance database, which then only hosts the temporary shadow database.
const readsDatasource = (method, params) =>
  method !== 'diff' || [params.from, params.to].some((t) => t?.tag === 'schemaDatasource' || t?.tag === 'url');

function engines(args) {
  let main; let maintenance;
  return async (method, params) => {
    main ??= newEngine(args, pgConfig(args.datasource.url));
    try { return await main; } catch (e) {
      if (readsDatasource(method, params) || !/does not exist/.test(e.message)) throw e;
      const conn = pgConfig(args.datasource.url);
      maintenance ??= newEngine(args, { ...conn, config: { ...conn.config, database: 'postgres' } });
      return maintenance;
    }
  };
}

// ---- JSON-RPC server (stdin/stdout, one JSON object per line) ----
function serve(args) {
  const engineFor = engines(args);
  const send = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  const pending = new Map(); // our own requests to the CLI (only `print`)
  let nextId = 1;
  let panicked = null;
  const inflight = new Set();
  let queue = Promise.resolve();
  const request = (method, params) => new Promise((resolve, reject) => {
    const id = `engine-${nextId++}`;
    pending.set(id, { resolve, reject });
    send({ jsonrpc: '2.0', id, method, params });
  });

  const methods = {
    getDatabaseVersion: (e) => e.version(), // its (deprecated) params are ignored, and malformed ones crash the engine
    // The native engine prints the diff through a `print` request to the CLI; the response only carries the exit code.
    diff: async (e, p) => {
      const { exitCode, stdout } = await e.diff(p);
      if (stdout != null) await request('print', { content: stdout });
      return { exitCode };
    },
    schemaPush: () => { throw new Error('Schema push is not supported in this project: change prisma/schema.prisma and create a migration (npm run db:migrate:dev).'); },
    createDatabase: async (_e, p) => ({ databaseName: await createDatabase(p?.datasource?.url ?? args.datasource.url) }),
    listMigrationDirectories: async (_e, p) => ({
      migrations: fs.readdirSync(p.migrationsDirectoryPath, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort(),
    }),
  };
  for (const m of PASSTHROUGH) methods[m] = (e, p) => e[m](p);
  // The WASM engine reaches the shadow database only in devDiagnostic/diagnoseMigrationHistory/diff; createMigration and
  // evaluateDataLoss reuse the migrations schema those cached and fail without it (e.g. `migrate dev` right after it
  // applied pending migrations). Warm the cache through diagnoseMigrationHistory, then retry.
  for (const m of ['createMigration', 'evaluateDataLoss']) {
    methods[m] = async (e, p) => {
      try { return await e[m](p); } catch (err) {
        if (!/shadow DB must be provided through an external factory/.test(err?.message)) throw err;
        await e.diagnoseMigrationHistory({ migrationsList: p.migrationsList, optInToShadowDatabase: true, filters: p.filters });
        return e[m](p);
      }
    };
  }
  const needsEngine = (method) => !['schemaPush', 'createDatabase', 'listMigrationDirectories'].includes(method);

  async function handle({ id, method, params }) {
    if (!methods[method]) return { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } };
    try {
      if (panicked) throw panicked; // a panicked WASM instance is unusable
      const engine = needsEngine(method) ? await engineFor(method, params ?? {}) : null;
      return { jsonrpc: '2.0', id, result: (await methods[method](engine, params ?? {})) ?? {} };
    } catch (err) {
      const e = explainError(err);
      const isPanic = e instanceof WebAssembly.RuntimeError || e === panicked;
      if (isPanic) panicked = e;
      const message = isPanic ? globalThis.PRISMA_WASM_PANIC_REGISTRY?.get() || e.message : e.message;
      const errorCode = /^P\d{4}$/.test(e.code ?? '') ? e.code : undefined;
      if (isPanic) log('ERROR', message);
      return {
        jsonrpc: '2.0', id,
        error: { code: 4466, message: isPanic ? message : 'An error happened. Check the data field for details.',
          data: { is_panic: isPanic, message, meta: e.meta ?? null, error_code: errorCode, backtrace: isPanic ? e.stack : undefined } },
      };
    }
  }

  readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
    .on('line', (line) => {
      if (!line.trim()) return;
      let msg;
      try { msg = JSON.parse(line); } catch { return send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }); }
      if (msg.method === undefined) { // a response to our `print` request
        const waiter = pending.get(msg.id);
        pending.delete(msg.id);
        if (waiter) msg.error ? waiter.reject(new Error(msg.error.message)) : waiter.resolve(msg.result);
        return;
      }
      // One request at a time: the WASM engine rejects concurrent calls ("recursive use of an object").
      const job = (queue = queue.then(() => handle(msg)).then(send));
      inflight.add(job);
      job.finally(() => inflight.delete(job));
    })
    .on('close', () => Promise.allSettled([...inflight]).then(() => shutdown(0)));
}

// The CLI ends stdin and then SIGTERMs us right away: clean up temp shadow databases on both.
let exiting;
function shutdown(code) {
  exiting ??= Promise.allSettled([...shadowDbs.keys()].map(dropShadowDb)).then(() => process.exit(code));
}
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(130));
process.on('unhandledRejection', (e) => log('ERROR', `Unhandled rejection: ${e?.stack ?? e}`));
// Errors thrown from the engine's detached futures cannot reach a request: fail loudly (exit 1 = CLI shows the message), never hang.
process.on('uncaughtException', (e) => {
  const panic = e instanceof WebAssembly.RuntimeError && globalThis.PRISMA_WASM_PANIC_REGISTRY?.get();
  log('ERROR', panic || (e?.message ?? String(e)));
  shutdown(1);
});

// ---- entry point ----
function parseArgs(argv) {
  const args = { datamodels: [], datasource: {}, cli: null, version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version' || a === '-V') args.version = true;
    else if (a === '--datamodels') args.datamodels.push(argv[++i]);
    else if (a === '--datasource') args.datasource = JSON.parse(argv[++i]);
    else if (a === 'cli') args.cli = argv[++i] ?? '';
    else if (a === '--enabled-preview-features' || a === '--extension-types') i++; // not used by the WASM engine
  }
  return args;
}

async function runCli(command, datasource) {
  log('INFO', 'Starting schema engine CLI'); // the CLI drops the first stderr line and JSON-parses the rest
  try {
    if (command === 'can-connect-to-database') {
      const { config } = pgConfig(datasource.url);
      await withClient(config, (c) => c.query('SELECT 1')).catch((e) => { throw Object.assign(new Error(), describePgError(e, config)); });
    } else if (command === 'create-database') {
      await createDatabase(datasource.url);
    } else {
      throw new Error(`Unsupported command: cli ${command}`);
    }
    return 0;
  } catch (e) {
    log('ERROR', e.message, e.code ? { error_code: e.code } : {});
    return 1;
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.version) {
  const { version } = JSON.parse(fs.readFileSync(path.join(path.dirname(WASM_GLUE), 'package.json'), 'utf8'));
  process.stdout.write(`schema-engine-cli ${version.split('.').pop()}\n`); // 8.1.0-2.<engine git hash>
} else if (args.cli !== null) {
  runCli(args.cli, args.datasource).then((code) => { process.exitCode = code; });
} else {
  serve(args);
}
