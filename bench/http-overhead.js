'use strict';
/**
 * HTTP overhead: GET /api/health and GET /api/background-remover/pricing on the built API vs a raw Fastify
 * hello-world, same load, same run. Targets: ≥ 0.85× and ≥ 0.7× of raw Fastify req/s.
 */
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, load, summarize, report } = require('./lib');

async function main() {
  const duration = Number(process.env.BENCH_DURATION ?? 10);
  const env = benchEnv('http', { PORT: '3291' });
  prepareDatabase(env);
  const raw = startProcess('raw', ['bench/raw-fastify.js'], { ...process.env, PORT: '3290' });
  const nest = startProcess('nest', ['bench/raw-nest.js'], { ...process.env, PORT: '3289' });
  const api = startProcess('api', ['dist/apps/api/src/main.js'], env);
  try {
    await waitForHttp('http://127.0.0.1:3290/hello');
    await waitForHttp('http://127.0.0.1:3289/hello');
    await waitForHttp('http://127.0.0.1:3291/api/health');
    // Warm-up so JIT and connection pools are in steady state for every target.
    for (const url of ['http://127.0.0.1:3290/hello', 'http://127.0.0.1:3289/hello', 'http://127.0.0.1:3291/api/health', 'http://127.0.0.1:3291/api/background-remover/pricing']) {
      await load({ url, duration: 2 });
    }
    const baseline = summarize(await load({ url: 'http://127.0.0.1:3290/hello', duration }));
    const bareNest = summarize(await load({ url: 'http://127.0.0.1:3289/hello', duration }));
    const health = summarize(await load({ url: 'http://127.0.0.1:3291/api/health', duration }));
    const pricing = summarize(await load({ url: 'http://127.0.0.1:3291/api/background-remover/pricing', duration }));
    const rows = [
      { target: 'raw fastify /hello (baseline)', ...baseline, ratio: 1, goal: '' },
      { target: 'bare NestJS + Fastify /hello (reference)', ...bareNest, ratio: +(bareNest.reqPerSec / baseline.reqPerSec).toFixed(2), goal: '' },
      { target: 'GET /api/health', ...health, ratio: +(health.reqPerSec / baseline.reqPerSec).toFixed(2), goal: '≥ 0.85' },
      { target: 'GET /api/background-remover/pricing', ...pricing, ratio: +(pricing.reqPerSec / baseline.reqPerSec).toFixed(2), goal: '≥ 0.70' },
    ];
    report('http-overhead', rows, { connections: 50, durationSeconds: duration });
  } finally {
    await stopProcess(raw);
    await stopProcess(nest);
    await stopProcess(api);
    dropDatabase(env);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
