import type { FastifyInstance } from 'fastify';
import type { LumikuMetrics } from '@app/metrics';

/** Requests that matched no route share one label value, so scanners cannot create a series per URL. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Records every response in lumiku_http_request_duration_seconds by route template (`/api/background-remover/jobs/:id`,
 * never the raw URL), method and status. A synchronous onResponse hook: no promise, no extra timer (Fastify already
 * measured `elapsedTime`), one histogram observation per request.
 */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: LumikuMetrics): void {
  const histogram = metrics.httpRequestDuration;
  fastify.addHook('onResponse', (request, reply, done) => {
    histogram.observe(
      { route: request.routeOptions.url ?? UNMATCHED_ROUTE, method: request.method, status_code: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
