'use strict';
/**
 * Upload memory: a batch of 50 × ~8 MB images; API RSS growth while it is received, validated and queued
 * (sampled every 50 ms from /proc). Baseline: RSS of the same idle API just before. Target: growth ≤ 100 MB.
 */
const { readFileSync } = require('node:fs');
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, report, sleep } = require('./lib');
const { register, form } = require('./api-client');
const { noisePng } = require('./images');

const rssMb = (pid) => {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return kb / 1024;
};

async function main() {
  const count = Number(process.env.BENCH_FILES ?? 50);
  const env = benchEnv('memory', { PORT: '3295', UPLOAD_MAX_BYTES: String(10 * 1024 * 1024), UPLOAD_MAX_TOTAL_BYTES: String(600 * 1024 * 1024) });
  prepareDatabase(env);
  const image = await noisePng(1670, 1670); // ≈ 8 MB
  const api = startProcess('api', ['dist/apps/api/src/main.js'], env);
  const base = 'http://127.0.0.1:3295';
  try {
    await waitForHttp(`${base}/api/health`, 60_000);
    const user = await register(base, env);
    await fetch(`${base}/api/background-remover/pricing`);
    await sleep(1000);
    const idle = rssMb(api.pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(api.pid))), 50);
    const body = form({ tier: 'basic' }, Array.from({ length: count }, (_, i) => ({ field: 'images', filename: `big-${i}.png`, data: image, type: 'image/png' })));
    const res = await fetch(`${base}/api/background-remover/batch`, { method: 'POST', headers: user.auth, body });
    const text = await res.text();
    clearInterval(sampler);
    if (res.status !== 202) throw new Error(`batch: ${res.status} ${text}`);
    report('upload-memory', [
      { run: 'idle API (baseline)', rssMb: +idle.toFixed(1) },
      { run: `batch of ${count} × ${(image.length / 2 ** 20).toFixed(1)} MB`, uploadedMb: +((count * image.length) / 2 ** 20).toFixed(0), peakRssMb: +peak.toFixed(1), growthMb: +(peak - idle).toFixed(1), goal: 'growth ≤ 100' },
    ]);
  } finally {
    await stopProcess(api);
    dropDatabase(env);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
