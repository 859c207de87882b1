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
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      },
      ...(opts.pretty ? { transport: { target: 'pino-pretty' } } : {}),
    },
    // nestjs-pino's default route pattern never matches under Nest 12 + Fastify (see STACK.md).
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    // Probes hit these every few seconds: no request log (and no per-request logger) for them.
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  };
}
