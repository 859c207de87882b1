'use strict';
/**
 * Paid burst: accepted paid single removals per second (`POST /remove`, `Prefer: wait=0`, a small photo) at client
 * concurrency 1, 10, 50 and 100 against one api + one worker in production mode with the default pool. Every answer is
 * counted by status; the ratio column is each run's accepted/s over the concurrency-10 run of the same bench.
 * Goal (issue 17): concurrency 50 ≥ 0.8× concurrency 10 with no error responses; 100 → no 500, every shed request
 * carries Retry-After. The worker keeps draining in the background; it is not what is measured.
 */
const { Client } = require('pg');
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, report, percentile } = require('./lib');
const { register, form } = require('./api-client');
const { productPhoto } = require('./images');

const PORT = 3296;
const base = `http://127.0.0.1:${PORT}`;

/** `total` requests from `concurrency` parallel loops; returns counts per status and latencies. */
async function burst(user, photo, concurrency, total) {
  const statuses = {};
  const latencies = [];
  let missingRetryAfter = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        const res = await fetch(`${base}/api/background-remover/remove`, {
          method: 'POST',
          headers: { ...user.auth, prefer: 'wait=0' },
          body: form({ tier: 'basic' }, [{ field: 'image', filename: 'p.jpg', data: photo }]),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if ((res.status === 503 || res.status === 429) && !res.headers.get('retry-after')) missingRetryAfter++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const accepted = (statuses[202] ?? 0) + (statuses[200] ?? 0);
  return { statuses, accepted, acceptedPerSec: accepted / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), missingRetryAfter };
}

async function main() {
  const perRun = Number(process.env.BENCH_REQUESTS ?? 300);
  const env = benchEnv('paidburst', { PORT: String(PORT) });
  prepareDatabase(env);
  const api = startProcess('api', ['dist/apps/api/src/main.js'], env);
  const worker = startProcess('worker', ['dist/apps/worker/src/main.js'], env);
  try {
    await waitForHttp(`${base}/api/health/ready`, 60_000);
    const user = await register(base, env);
    const photo = await productPhoto(320, 240, 3);
    await burst(user, photo, 10, 40); // warm-up
    const runs = [];
    for (const concurrency of [1, 10, 50, 100]) runs.push({ concurrency, ...(await burst(user, photo, concurrency, perRun)) });
    const reference = runs.find((r) => r.concurrency === 10).acceptedPerSec;
    report(
      'paid-burst',
      runs.map((r) => ({
        concurrency: r.concurrency,
        acceptedPerSec: Math.round(r.acceptedPerSec),
        ratioToC10: +(r.acceptedPerSec / reference).toFixed(2),
        statuses: JSON.stringify(r.statuses),
        p50ms: Math.round(r.p50),
        p99ms: Math.round(r.p99),
        shedWithoutRetryAfter: r.missingRetryAfter,
      })),
      { requestsPerRun: perRun, ledgerMatches: await ledgerMatches(env) },
    );
    const c50 = runs.find((r) => r.concurrency === 50);
    const anyServerError = runs.some((r) => r.statuses[500]);
    if (anyServerError || c50.accepted !== perRun || runs.some((r) => r.missingRetryAfter)) process.exitCode = 1;
  } finally {
    await stopProcess(worker);
    await stopProcess(api);
    dropDatabase(env);
  }
}

async function ledgerMatches(env) {
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query(`
    SELECT count(*)::int AS n FROM users u
     WHERE u.credit_balance <> (SELECT COALESCE(SUM(amount), 0) FROM credit_transactions t WHERE t.user_id = u.id)`);
  await client.end();
  return rows[0].n === 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
