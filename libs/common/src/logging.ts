import type { Params } from 'nestjs-pino';
import { pino } from 'pino';

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

/** Level of the one line written per HTTP request: errors for 5xx, warnings for 4xx. */
export function requestLogLevel(statusCode: number): 'error' | 'warn' | 'info' {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * Lines are written once this many bytes are pending (≈ 35 request lines; sonic-boom needs it below its 16 KiB write
 * size)…
 */
const LOG_BATCH_BYTES = 8 * 1024;
/**
 * …or within about this long when traffic is light (sonic-boom's periodic flush: ten writes a second, empty when nothing
 * is pending).
 */
const LOG_LINGER_MS = 100;

/**
 * Asynchronous stdout that writes lines in batches. Each write is a syscall plus a hand-off to libuv's thread pool and
 * back: a line per write cost ≈ 13 µs of CPU per request at 5,000 requests/s, ≈ 15 % of a cached read (pricing). Lines
 * wait for LOG_BATCH_BYTES or LOG_LINGER_MS; on exit (a crash too) pino writes what is pending synchronously, so only a
 * SIGKILL loses the last ≤ 100 ms.
 * Each line is handed over as bytes: given strings, sonic-boom measures the UTF-8 length of everything pending on every
 * write (a copy of up to 16 KiB per line under load, most of a request line's cost); in buffer mode it only adds up.
 */
function asyncStdout(): pino.DestinationStream & { flush(cb?: (err?: Error) => void): void } {
  const out = pino.destination({ dest: 1, sync: false, contentMode: 'buffer', minLength: LOG_BATCH_BYTES, periodicFlush: LOG_LINGER_MS });
  return {
    write: (line: string) => out.write(Buffer.from(line) as unknown as string),
    flush: (cb) => out.flush(cb),
  };
}

/**
 * nestjs-pino's root logger for api, worker and cli. No HTTP middleware (`forRoutes: []`): the API logs each request
 * from Fastify's own hooks (apps/api/src/common/logging/request-logging.ts) — through @fastify/middie the same line
 * cost a third of the throughput of a simple route.
 */
export function loggerParams(opts: { level: string; pretty?: boolean }): Params {
  return {
    pinoHttp: {
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      customAttributeKeys: { reqId: 'requestId' },
      autoLogging: false,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      },
      ...(opts.pretty ? { transport: { target: 'pino-pretty' } } : { stream: asyncStdout() }),
    },
    forRoutes: [],
  };
}
