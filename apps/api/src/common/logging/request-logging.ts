import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { requestLogLevel } from '@app/common';

/** Probes hit these every few seconds: no request line and no per-request logger for them. */
const UNLOGGED_ROUTES = new Set(['/api/health', '/api/health/ready', '/api/metrics']);

const isLogged = (request: FastifyRequest): boolean => !UNLOGGED_ROUTES.has(request.routeOptions.url as string);

/**
 * One line per request, written from Fastify's own hooks with the application's root pino logger (redaction and
 * serializers from `loggerParams`): `{requestId, req: {id, method, url}, res: {statusCode, headers}, responseTime}`,
 * "request completed" (info/warn) or "request errored" (error, 5xx).
 *
 * Logs made while a route runs (Nest `Logger`, any service) carry the `requestId`: the handler runs inside
 * nestjs-pino's request context, entered in `preHandler` (after the body is read, so the context is not lost in the
 * socket's stream callbacks) with the same `runInContext` nestjs-pino offers for non-HTTP work.
 */
export function registerRequestLogging(fastify: FastifyInstance, pino: PinoLogger): void {
  fastify.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!isLogged(request)) return done();
    pino.runInContext(done, { bindings: { requestId: request.id } });
  });

  let requestLines: Logger | undefined;
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (isLogged(request)) {
      // This line's fields are known: the only secret it can carry is a response cookie, so it is redacted by exact
      // path (the root's wildcard paths clone every logged object: a third of the cost of the line).
      requestLines ??= PinoLogger.root.child({}, { redact: { paths: ['res.headers["set-cookie"]'], censor: '[redacted]' } });
      const statusCode = reply.statusCode;
      requestLines[requestLogLevel(statusCode)](
        { requestId: request.id, req: request, res: reply.raw, responseTime: Math.round(reply.elapsedTime) },
        statusCode >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
