import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { symbols, type DestinationStream, type Logger } from 'pino';
import { redactUrl, requestLogLevel } from '@app/common';

/** Probes hit these every few seconds: no request line for them. */
const UNLOGGED_ROUTES = new Set(['/api/health', '/api/health/ready', '/api/metrics']);

/** By path (the probes have no parameters): `request.routeOptions` builds a new object on every read. */
function isLogged(request: FastifyRequest): boolean {
  const url = request.url;
  const query = url.indexOf('?');
  return !UNLOGGED_ROUTES.has(query < 0 ? url : url.slice(0, query));
}

/**
 * One line per request, written from Fastify's own hooks to the application's root pino logger:
 * `{level, time, pid, hostname, requestId, userId?, req: {method, url}, res: {statusCode}, responseTime, msg}`, "request
 * completed" (info/warn) or "request errored" (error, 5xx). The URL's credentials are redacted; nothing else in it can
 * carry a secret.
 *
 * No per-request logging context: on Node 20 an AsyncLocalStorage enables promise hooks for the whole process, which
 * cost a fifth of a simple route's throughput. Logs made while a route runs name what they are about instead (job,
 * batch, user ids), and unexpected errors are logged by the exception filter with the request id; the request line
 * carries both the request id and the user, which joins the two.
 */
export function registerRequestLogging(fastify: FastifyInstance, pino: PinoLogger): void {
  const writeLine = requestLineWriter(pino.logger);
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (isLogged(request)) writeLine(request, reply);
    done();
  });
}

/**
 * The request line in exactly the format `logger.info({...}, msg)` writes (same level numbers, time, bindings, key
 * order; the spec compares the two), built as one string: pino's generic path — serializers, a safe stringify of each
 * nested object, a key loop — cost five times as much, on every request.
 */
export function requestLineWriter(logger: Logger): (request: FastifyRequest, reply: FastifyReply) => void {
  const internals = logger as unknown as Record<symbol, unknown>;
  const time = internals[symbols.timeSym] as () => string;
  const bindings = internals[symbols.chindingsSym] as string;
  const stream = internals[symbols.streamSym] as DestinationStream;
  const levels = logger.levels.values;
  return (request, reply) => {
    const statusCode = reply.statusCode;
    const level = requestLogLevel(statusCode);
    if (!logger.isLevelEnabled(level)) return;
    const userId = (request as { user?: { id: string } }).user?.id;
    const line =
      `{"level":${levels[level]}${time()}${bindings}` +
      `,"requestId":${JSON.stringify(request.id)}${userId === undefined ? '' : `,"userId":${JSON.stringify(userId)}`}` +
      `,"req":{"method":${JSON.stringify(request.method)},"url":${JSON.stringify(redactUrl(request.url))}}` +
      `,"res":{"statusCode":${statusCode}},"responseTime":${Math.round(reply.elapsedTime)}` +
      `,"msg":"${statusCode >= 500 ? 'request errored' : 'request completed'}"}\n`;
    stream.write(line);
  };
}
