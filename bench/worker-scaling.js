'use strict';
/**
 * Worker scaling: the same batch processed by 1 worker process, then by 2; throughput ratio. Target: ≥ 1.7×
 * (on 2 cores the API and PostgreSQL compete for the same cores, see RESULTS.md).
 */
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, report } = require('./lib');
const { register, postBatch, waitForBatch } = require('./api-client');
const { productPhoto } = require('./images');

async function run(workers, images, port) {
  const env = benchEnv(`scaling${workers}`, { PORT: String(port), WORKER_CONCURRENCY: '1' });
  prepareDatabase(env);
  const api = startProcess('api', ['dist/apps/api/src/main.js'], env);
  const procs = Array.from({ length: workers }, () => startProcess('worker', ['dist/apps/worker/src/main.js'], env));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/api/health/ready`, 60_000);
    const user = await register(base, env);
    // Timed from the 202: the upload and validation are the API's work, the same for both runs.
    const batch = await postBatch(base, user, images);
    const t = performance.now();
    await waitForBatch(base, user, batch.id);
    return performance.now() - t;
  } finally {
    await Promise.all(procs.map((p) => stopProcess(p)));
    await stopProcess(api);
    dropDatabase(env);
  }
}

async function main() {
  const n = Number(process.env.BENCH_IMAGES ?? 60);
  const images = await Promise.all(Array.from({ length: n }, (_, i) => productPhoto(1024, 768, i)));
  const one = await run(1, images, 3296);
  const two = await run(2, images, 3297);
  report('worker-scaling', [
    { workers: 1, processingSeconds: +(one / 1000).toFixed(2), imagesPerSec: +((n / one) * 1000).toFixed(2), ratio: 1 },
    { workers: 2, processingSeconds: +(two / 1000).toFixed(2), imagesPerSec: +((n / two) * 1000).toFixed(2), ratio: +(one / two).toFixed(2), goal: '≥ 1.7' },
  ], { images: n });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
