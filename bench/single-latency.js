'use strict';
/**
 * Single-image latency overhead: POST /remove with `Prefer: wait`, sequentially, of a ~1 MP photo (BENCH_SIZE);
 * overhead = client-observed latency minus the worker's processing time recorded on the job (processingMs: the
 * provider and the image pipeline around it). Target: ≤ 30 ms p50. The phases below it split the latency by the job
 * row's timestamps, to show where the overhead is.
 */
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, report, percentile } = require('./lib');
const { register, form } = require('./api-client');
const { productPhoto } = require('./images');
const { Client } = require('pg');

async function main() {
  const n = Number(process.env.BENCH_REQUESTS ?? 40);
  const env = benchEnv('latency', { PORT: '3294' });
  prepareDatabase(env);
  const api = startProcess('api', ['dist/apps/api/src/main.js'], env);
  const worker = startProcess('worker', ['dist/apps/worker/src/main.js'], env);
  const base = 'http://127.0.0.1:3294';
  // One connection for the timestamp reads: a connection per request would start and end a PostgreSQL backend
  // between requests, CPU the measured requests would then compete with.
  const db = new Client({ connectionString: env.DATABASE_URL });
  try {
    await db.connect();
    await waitForHttp(`${base}/api/health/ready`, 60_000);
    const user = await register(base, env);
    const [w, h] = (process.env.BENCH_SIZE ?? '1152x864').split('x').map(Number);
    const image = await productPhoto(w, h, 1);
    const totals = [];
    const overheads = [];
    const phases = { accept: [], pickup: [], processing: [], settle: [], reply: [] };
    for (let i = 0; i < n + 3; i++) {
      const t = performance.now();
      const sentAt = Date.now();
      const res = await fetch(`${base}/api/background-remover/remove`, {
        method: 'POST',
        headers: { ...user.auth, prefer: 'wait=30' },
        body: form({ tier: 'basic' }, [{ field: 'image', filename: 'p.jpg', data: image }]),
      });
      const job = await res.json();
      const total = performance.now() - t;
      const receivedAt = Date.now();
      if (res.status !== 200 || job.status !== 'SUCCEEDED') throw new Error(`remove: ${res.status} ${JSON.stringify(job)}`);
      if (i < 3) continue; // warm-up
      const row = await jobTimes(db, job.id);
      const processing = row.processing_ms;
      totals.push(total);
      overheads.push(total - processing);
      phases.accept.push(row.created_at - sentAt);
      phases.pickup.push(row.started_at - row.created_at);
      phases.processing.push(processing);
      phases.settle.push(row.completed_at - row.started_at - processing);
      phases.reply.push(receivedAt - row.completed_at);
    }
    report('single-latency', [
      { metric: 'end-to-end latency (ms)', p50: +percentile(totals, 50).toFixed(1), p99: +percentile(totals, 99).toFixed(1) },
      { metric: 'overhead = latency − worker processing (ms)', p50: +percentile(overheads, 50).toFixed(1), p99: +percentile(overheads, 99).toFixed(1), goal: 'p50 ≤ 30' },
      ...Object.entries(PHASES).map(([name, what]) => ({
        metric: `  ${name}: ${what} (ms)`,
        p50: +percentile(phases[name], 50).toFixed(1),
        p99: +percentile(phases[name], 99).toFixed(1),
      })),
    ], { requests: n, size: `${w}x${h}` });
  } finally {
    await db.end().catch(() => undefined);
    await stopProcess(worker);
    await stopProcess(api);
    dropDatabase(env);
  }
}

/** Where a request's time goes, from the job row's timestamps (the same host's clock, ms resolution). */
const PHASES = {
  accept: 'sent → row created (upload, validation, charge)',
  pickup: 'row created → worker starts it (enqueue, pickup)',
  processing: "the worker's own time (provider, image pipeline, storage)",
  settle: 'worker start and settlement around processing',
  reply: 'row settled → client has the answer (event, waiter, response)',
};

/** The job row's timestamps (ms since epoch) and the worker's own time for the job (processing_ms). */
async function jobTimes(db, jobId) {
  const { rows } = await db.query(
    `SELECT processing_ms, (extract(epoch from created_at) * 1000)::float8 AS created_at,
            (extract(epoch from started_at) * 1000)::float8 AS started_at, (extract(epoch from completed_at) * 1000)::float8 AS completed_at
       FROM background_removal_jobs WHERE id = $1`,
    [jobId],
  );
  return rows[0];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
