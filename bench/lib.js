'use strict';
/**
 * Shared helpers for the benchmarks: child processes on loopback, load generation with autocannon (in this bench
 * process, i.e. a second process from the servers), result tables and JSON. Benchmarks report RATIOS against a
 * baseline measured in the same run, never absolute pass/fail times.
 */
const { spawn, execFileSync } = require('node:child_process');
const { closeSync, mkdirSync, openSync, writeFileSync } = require('node:fs');
const { cpus, totalmem } = require('node:os');
const { dirname, join, relative } = require('node:path');
const autocannon = require('autocannon');

const ROOT = join(__dirname, '..');
const PG = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** Env for a bench deployment: its own database, queue prefix and storage root. */
function benchEnv(name, extra = {}) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-only-jwt-secret-0123456789abcdef',
    WEBHOOK_SIGNING_SECRET: 'bench-only-webhook-secret-0123456789',
    DATABASE_URL: `${PG}/lumiku_bench_${name}`,
    QUEUE_PREFIX: `lumiku-bench-${name}-${process.pid}`,
    STORAGE_ROOT: `/tmp/lumiku-bench-${name}-${process.pid}`,
    AI_PROVIDER_MAP: '*=embedded',
    LOG_LEVEL: 'warn',
    // Load from one IP would trip the limits; the in-memory limiter's cost is reported separately (RESULTS.md).
    RATE_LIMIT_ENABLED: 'false',
    ...extra,
  };
}

/** Fresh database: migrate (the deploy path) and seed. */
function prepareDatabase(env) {
  const db = new URL(env.DATABASE_URL).pathname.slice(1);
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`]);
  execFileSync('node', ['scripts/prisma.js', 'migrate', 'deploy'], { cwd: ROOT, env, stdio: 'pipe' });
  execFileSync('node', ['dist/apps/cli/src/main.js', 'seed'], { cwd: ROOT, env, stdio: 'pipe' });
}

function dropDatabase(env) {
  const db = new URL(env.DATABASE_URL).pathname.slice(1);
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`]);
}

/**
 * `logFile`: the child's stdout goes straight to that file (as in production, to a log collector) instead of through
 * this process — at thousands of log lines per second, piping them here would load the load generator.
 */
function startProcess(name, args, env, { logFile } = {}) {
  const out = logFile ? openSync(logFile, 'w') : 'pipe';
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', out, 'pipe'] });
  if (logFile) closeSync(out);
  let log = '';
  child.stdout?.on('data', (c) => (log = (log + c).slice(-20_000)));
  child.stderr.on('data', (c) => (log = (log + c).slice(-20_000)));
  child.logTail = () => log;
  child.benchName = name;
  return child;
}

async function waitForHttp(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${(await res.text()).slice(0, 2000)}`;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

async function stopProcess(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function load(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 50, duration: 10, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function summarize(result) {
  return {
    reqPerSec: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function report(name, rows, extra = {}) {
  console.log(`\n## ${name}`);
  console.table(rows);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const file = join(__dirname, 'results', `${name}.json`);
  writeFileSync(file, JSON.stringify({ benchmark: name, at: new Date().toISOString(), machine: machine(), rows, ...extra }, null, 2));
  console.log(`(written to ${file})`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Loads a dependency-free TypeScript module from the source tree (e.g. a test-only builder that dist/ leaves out),
 * transpiled with the project's own TypeScript.
 */
function requireTs(relativePath) {
  const ts = require('typescript');
  const Module = require('node:module');
  const { existsSync, readFileSync } = require('node:fs');
  const file = join(ROOT, relativePath);
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  // A relative import of another TypeScript file is transpiled the same way; everything else loads as usual.
  mod.require = (id) => {
    const source = id.startsWith('.') ? `${join(dirname(file), id)}.ts` : null;
    return source && existsSync(source) ? requireTs(relative(ROOT, source)) : Module.prototype.require.call(mod, id);
  };
  mod._compile(outputText, file);
  return mod.exports;
}

module.exports = { requireTs, ROOT, benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, load, summarize, report, percentile, machine, sleep };
