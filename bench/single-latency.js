'use strict';
/**
 * Single-image latency overhead: POST /remove with `Prefer: wait`, sequentially, of a ~1 MP photo (BENCH_SIZE);
 * overhead = client-observed latency minus the worker's processing time recorded on the job (processingMs: the
 * provider and the image pipeline around it). Target: ≤ 30 ms p50.
 */
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, report, percentile } = require('./lib');
const { register, form } = require('./api-client');
const { productPhoto } = require('./images');

async function main() {
  const n = Number(process.env.BENCH_REQUESTS ?? 40);
  const env = benchEnv('latency', { PORT: '3294' });
  prepareDatabase(env);
  const api = startProcess('api', ['dist/apps/api/src/main.js'], env);
  const worker = startProcess('worker', ['dist/apps/worker/src/main.js'], env);
  const base = 'http://127.0.0.1:3294';
  try {
    await waitForHttp(`${base}/api/health/ready`, 60_000);
    const user = await register(base, env);
    const [w, h] = (process.env.BENCH_SIZE ?? '1152x864').split('x').map(Number);
    const image = await productPhoto(w, h, 1);
    const totals = [];
    const overheads = [];
    for (let i = 0; i < n + 3; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/background-remover/remove`, {
        method: 'POST',
        headers: { ...user.auth, prefer: 'wait=30' },
        body: form({ tier: 'basic' }, [{ field: 'image', filename: 'p.jpg', data: image }]),
      });
      const job = await res.json();
      const total = performance.now() - t;
      if (res.status !== 200 || job.status !== 'SUCCEEDED') throw new Error(`remove: ${res.status} ${JSON.stringify(job)}`);
      const detail = await (await fetch(`${base}/api/background-remover/jobs/${job.id}`, { headers: user.auth })).json();
      if (i < 3) continue; // warm-up
      const processing = await processingMs(env, job.id);
      totals.push(total);
      overheads.push(total - processing);
      void detail;
    }
    report('single-latency', [
      { metric: 'end-to-end latency (ms)', p50: +percentile(totals, 50).toFixed(1), p99: +percentile(totals, 99).toFixed(1) },
      { metric: 'overhead = latency − worker processing (ms)', p50: +percentile(overheads, 50).toFixed(1), p99: +percentile(overheads, 99).toFixed(1), goal: 'p50 ≤ 30' },
    ], { requests: n, size: `${w}x${h}` });
  } finally {
    await stopProcess(worker);
    await stopProcess(api);
    dropDatabase(env);
  }
}

/** The worker's own time for the job (provider + image pipeline + storage), from the job row. */
async function processingMs(env, jobId) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query('SELECT processing_ms FROM background_removal_jobs WHERE id = $1', [jobId]);
  await client.end();
  return rows[0].processing_ms;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
