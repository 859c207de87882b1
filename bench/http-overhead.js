'use strict';
/**
 * HTTP overhead: GET /api/health and GET /api/background-remover/pricing on the built API vs a bare NestJS + Fastify
 * app (bench/raw-nest.js), same load, same run. Production configuration: rate limits ON (set high enough that one
 * client IP is never refused, so every request pays the limiter) and request logging ON (LOG_LEVEL=info, to a file).
 * Targets: health ≥ 0.85×, pricing ≥ 0.6× of bare Nest req/s. Raw Fastify is shown for context.
 */
const { readFileSync, rmSync } = require('node:fs');
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, load, summarize, report } = require('./lib');

async function main() {
  const duration = Number(process.env.BENCH_DURATION ?? 10);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
  const logFile = `/tmp/lumiku-bench-http-${process.pid}.log`;
  const env = benchEnv('http', {
    PORT: '3291',
    LOG_LEVEL: 'info',
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_IP_PER_MINUTE: '1000000000',
  });
  prepareDatabase(env);
  const raw = startProcess('raw', ['bench/raw-fastify.js'], { ...process.env, PORT: '3290' });
  const nest = startProcess('nest', ['bench/raw-nest.js'], { ...process.env, PORT: '3289' });
  const api = startProcess('api', ['dist/apps/api/src/main.js'], env, { logFile });
  const urls = {
    raw: 'http://127.0.0.1:3290/hello',
    nest: 'http://127.0.0.1:3289/hello',
    health: 'http://127.0.0.1:3291/api/health',
    pricing: 'http://127.0.0.1:3291/api/background-remover/pricing',
  };
  try {
    await waitForHttp(urls.raw);
    await waitForHttp(urls.nest);
    await waitForHttp(urls.health);
    // Warm-up so JIT and connection pools are in steady state for every target.
    for (const url of Object.values(urls)) await load({ url, duration: 2 });
    const rows = [];
    for (let round = 1; round <= rounds; round++) {
      // Interleaved, so a change in machine load hits reference and subject alike within a round.
      const r = {};
      for (const [name, url] of Object.entries(urls)) r[name] = summarize(await load({ url, duration }));
      const ratio = (x) => +(x.reqPerSec / r.nest.reqPerSec).toFixed(2);
      const tag = rounds > 1 ? ` (round ${round})` : '';
      rows.push(
        { target: `bare NestJS + Fastify /hello (reference)${tag}`, ...r.nest, ratio: 1, goal: '' },
        { target: `raw Fastify /hello (context)${tag}`, ...r.raw, ratio: ratio(r.raw), goal: '' },
        { target: `GET /api/health${tag}`, ...r.health, ratio: ratio(r.health), goal: '≥ 0.85' },
        { target: `GET /api/background-remover/pricing${tag}`, ...r.pricing, ratio: ratio(r.pricing), goal: '≥ 0.60' },
      );
    }
    // Proof that request logging was on: pricing requests are logged (health probes are excluded by design).
    const requestLogLines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"url":"/api/background-remover/pricing"')).length;
    report('http-overhead', rows, { connections: 50, durationSeconds: duration, rateLimits: 'on', logLevel: 'info', requestLogLines });
    console.log(`request log lines written for /pricing: ${requestLogLines}`);
  } finally {
    await stopProcess(raw);
    await stopProcess(nest);
    await stopProcess(api);
    dropDatabase(env);
    rmSync(logFile, { force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
