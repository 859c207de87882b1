#!/usr/bin/env node
'use strict';
/**
 * `npm run dev`: runs the built API and one worker side by side (what docker compose does with two containers),
 * prefixes their output, forwards Ctrl-C/SIGTERM and stops both if either exits.
 */
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

/**
 * Real background removal one command away: pull the basic tier's model when it is missing (a stall of 10 s or no
 * network fails fast). On failure, one line, and the basic tier runs on the embedded default (see AI_PROVIDER_MAP).
 * LUMIKU_DEV_PULL_MODELS=false skips this.
 */
function ensureBasicModel(name = 'u2net') {
  if (process.env.LUMIKU_DEV_PULL_MODELS === 'false') return;
  const dir = resolve(process.env.MODELS_DIR ?? './models');
  if (existsSync(join(dir, `${name}.onnx`))) return;
  process.stdout.write(`[models] pulling ${name} for the basic tier into ${dir} (LUMIKU_DEV_PULL_MODELS=false skips this)\n`);
  const result = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'models', 'pull', name, '--timeout-ms', '10000'], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const why = (result.stderr || '').trim().split('\n').pop() || `exit ${result.status}`;
    process.stdout.write(`[models] could not pull ${name} (${why}); the basic tier runs on the embedded default\n`);
  }
}

ensureBasicModel();

const processes = [
  ['api', 'dist/apps/api/src/main.js'],
  ['worker', 'dist/apps/worker/src/main.js'],
].map(([name, entry]) => {
  const child = spawn(process.execPath, [entry], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`[${name}] exited (${signal ?? code})\n`);
    stopAll();
    process.exitCode = code ?? 1;
  });
  return child;
});

let stopping = false;
function stopAll() {
  if (stopping) return;
  stopping = true;
  for (const child of processes) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
