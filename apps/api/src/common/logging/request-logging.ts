import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { redactUrl, requestLogLevel } from '@app/common';

/** Probes hit these every few seconds: no request line for them. */
const UNLOGGED_ROUTES = new Set(['/api/health', '/api/health/ready', '/api/metrics']);

const REQUEST_LINE_SERIALIZERS = {
  req: (request: FastifyRequest) => ({ method: request.method, url: redactUrl(request.url) }),
  res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
};

/** By path (the probes have no parameters): `request.routeOptions` builds a new object on every read. */
function isLogged(request: FastifyRequest): boolean {
  const url = request.url;
  const query = url.indexOf('?');
  return !UNLOGGED_ROUTES.has(query < 0 ? url : url.slice(0, query));
}

/**
 * One line per request, written from Fastify's own hooks with a child of the application's root pino logger:
 * `{requestId, userId?, req: {method, url}, res: {statusCode}, responseTime}`, "request completed" (info/warn) or
 * "request errored" (error, 5xx). Its fields are known and carry no secret (the URL's credentials are redacted), so it
 * has serializers of its own and none of the root's redaction: pino-http's serializers copy every request and
 * response header and the root's wildcard paths clone every logged object, together most of the cost of the line.
 *
 * No per-request logging context: on Node 20 an AsyncLocalStorage enables promise hooks for the whole process, which
 * cost a fifth of a simple route's throughput. Logs made while a route runs name what they are about instead (job,
 * batch, user ids), and unexpected errors are logged by the exception filter with the request id; the request line
 * carries both the request id and the user, which joins the two.
 */
export function registerRequestLogging(fastify: FastifyInstance, pino: PinoLogger): void {
  let requestLines: Logger | undefined;
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (isLogged(request)) {
      requestLines ??= pino.logger.child({}, { redact: { paths: [] }, serializers: REQUEST_LINE_SERIALIZERS });
      const statusCode = reply.statusCode;
      const userId = (request as { user?: { id: string } }).user?.id;
      requestLines[requestLogLevel(statusCode)](
        { requestId: request.id, userId, req: request, res: reply, responseTime: Math.round(reply.elapsedTime) },
        statusCode >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
