'use strict';
/**
 * The cost of the API's request-metrics hook (lumiku_http_request_duration_seconds): two identical Fastify apps, one
 * with the hook from dist/, driven in alternating chunks in this one process, measured in CPU time of this process
 * (so other load on the machine does not count). Also the bare histogram observation. Needs `npm run build`.
 */
const fastify = require('fastify');
const { report } = require('./lib');
const { LumikuMetrics } = require('../dist/libs/metrics/src');
const { registerRequestMetrics } = require('../dist/apps/api/src/metrics/request-metrics.hook');

const ROUTE = '/api/background-remover/jobs/:id';

async function app(withHook) {
  const server = fastify({ logger: false });
  if (withHook) registerRequestMetrics(server, new LumikuMetrics('api'));
  server.get(ROUTE, async (req) => ({ id: req.params.id }));
  await server.ready();
  return server;
}

/** CPU microseconds (user + system) this process spent on `n` requests. */
async function cpuMicros(server, n) {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await server.inject({ method: 'GET', url: `/api/background-remover/jobs/${i}` });
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
  const perChunk = 1000;
  const [plain, hooked] = [await app(false), await app(true)];
  await cpuMicros(plain, 3000);
  await cpuMicros(hooked, 3000);
  const total = { plain: 0, hooked: 0 };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ['plain', 'hooked'] : ['hooked', 'plain'];
    for (const which of order) total[which] += await cpuMicros(which === 'plain' ? plain : hooked, perChunk);
  }
  const perRequest = (us) => +(us / (rounds * perChunk)).toFixed(2);

  const metrics = new LumikuMetrics('api');
  const labels = { route: ROUTE, method: 'GET', status_code: 200 };
  const observations = 1_000_000;
  for (let i = 0; i < 200_000; i++) metrics.httpRequestDuration.observe(labels, 0.003);
  const start = process.cpuUsage();
  for (let i = 0; i < observations; i++) metrics.httpRequestDuration.observe(labels, 0.003);
  const used = process.cpuUsage(start);
  const observeMicros = +((used.user + used.system) / observations).toFixed(3);

  const base = perRequest(total.plain);
  const withHook = perRequest(total.hooked);
  report('metrics-hook', [
    { target: 'Fastify inject, no hook (baseline)', cpuMicrosPerRequest: base, ratio: 1 },
    { target: 'Fastify inject, with the metrics hook', cpuMicrosPerRequest: withHook, ratio: +(withHook / base).toFixed(3) },
    { target: 'histogram.observe alone (3 labels)', cpuMicrosPerRequest: observeMicros, ratio: +(observeMicros / base).toFixed(3) },
  ], { rounds, perChunk });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
