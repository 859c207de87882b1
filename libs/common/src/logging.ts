import type { Params } from 'nestjs-pino';
import { RequestMethod } from '@nestjs/common';

/** Anything that may carry a secret is redacted before a log line is written (api and worker alike). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.secret',
  '*.authorization',
  '*.headers.authorization',
  'err.request.headers.authorization',
  'err.httpRequest.headers.authorization',
];

/** Query parameters whose value is a credential, by name; and any value shaped like a JWT, whatever its name. */
const SECRET_PARAM = /token|password|passwd|secret|api[_-]?key|signature|authorization|jwt|session/i;
const JWT_LIKE = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;

/**
 * A request URL fit for a log line: credentials a client put in the query string (`?access_token=…`) are replaced.
 * The API never reads them there, but a misbehaving client must not get its bearer token written to the logs.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let value = pair.slice(eq + 1);
      try {
        value = decodeURIComponent(value.replace(/\+/g, ' '));
      } catch {
        /* keep it raw */
      }
      return SECRET_PARAM.test(name) || JWT_LIKE.test(value) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

export function loggerParams(opts: { level: string; pretty?: boolean; http?: boolean }): Params {
  return {
    pinoHttp: {
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Fastify already assigned a sanitized request id (X-Request-Id in, or a fresh uuid).
      genReqId: (req) => (req as unknown as { id: string }).id,
      customAttributeKeys: { reqId: 'requestId' },
      autoLogging: opts.http ?? true,
      quietReqLogger: true,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // The exception filter already logged real errors with their stack; drop pino-http's synthetic one.
      customErrorObject: (_req, _res, _err, loggable: Record<string, unknown>) => ({ ...loggable, err: undefined }),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      },
      ...(opts.pretty ? { transport: { target: 'pino-pretty' } } : {}),
    },
    // nestjs-pino's default route pattern never matches under Nest 12 + Fastify (see STACK.md).
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    // Probes and scrapers hit these every few seconds: no request log (and no per-request logger) for them.
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  };
}
