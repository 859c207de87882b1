import { Writable } from 'node:stream';
import Fastify from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import { pino as pinoLogger, type Logger, type LoggerOptions } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerParams } from '@app/common';
import { registerRequestLogging } from './request-logging';

/**
 * The application's root logger configuration, writing into memory instead of stdout. Built with pino directly:
 * nestjs-pino's PinoLogger keeps the first root logger of the process, whatever options later instances get.
 */
function memoryLogger(): { pino: PinoLogger; logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const { stream: _stdout, ...options } = loggerParams({ level: 'info' }).pinoHttp as LoggerOptions & { stream: unknown };
  const logger = pinoLogger(options, stream);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { pino: { logger } as PinoLogger, logger, lines };
}

describe('request logging from Fastify hooks', () => {
  it('one line per request with its request id, user, redacted URL and status; probes are not logged', async () => {
    const { pino, lines } = memoryLogger();
    const fastify = Fastify({ genReqId: (req) => String(req.headers['x-request-id']) });
    registerRequestLogging(fastify, pino);
    fastify.get('/api/things', async (request, reply) => {
      // What the auth guard does for a signed-in request.
      (request as { user?: { id: string } }).user = { id: 'user-7' };
      void reply.header('set-cookie', 'session=cookie-secret');
      return { ok: true };
    });
    fastify.get('/api/broken', async (_req, reply) => reply.code(503).send({ ok: false }));
    fastify.get('/api/health', async () => ({ status: 'ok' }));
    await fastify.ready();

    await fastify.inject({ method: 'GET', url: '/api/things?access_token=eyJhbGciOi.eyJzdWIiOi.sig&page=2', headers: { 'x-request-id': 'req-1', authorization: 'Bearer secret' } });
    await fastify.inject({ method: 'GET', url: '/api/broken', headers: { 'x-request-id': 'req-2' } });
    await fastify.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'req-3' } });
    await fastify.inject({ method: 'GET', url: '/api/nowhere', headers: { 'x-request-id': 'req-4' } });
    await fastify.close();

    const logged = lines();

    const completed = logged.filter((l) => l.msg === 'request completed' || l.msg === 'request errored');
    expect(completed.map((l) => l.requestId)).toEqual(['req-1', 'req-2', 'req-4']);
    expect(completed[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      userId: 'user-7',
      req: { method: 'GET', url: '/api/things?access_token=[redacted]&page=2' },
      res: { statusCode: 200 },
    });
    expect(completed[0]!.res).toEqual({ statusCode: 200 });
    expect(typeof completed[0]!.responseTime).toBe('number');
    expect(completed[1]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 503 } });
    expect(completed[1]).not.toHaveProperty('userId');
    expect(completed[2]).toMatchObject({ level: 40, msg: 'request completed', res: { statusCode: 404 } });
    expect(JSON.stringify(logged)).not.toContain('secret');
    expect(JSON.stringify(logged)).not.toContain('eyJhbGciOi');
  });

  it('writes exactly what pino itself would write for the same fields (keys, order, levels, escaping)', async () => {
    const { pino, lines } = memoryLogger();
    const fastify = Fastify({ genReqId: (req) => String(req.headers['x-request-id']) });
    registerRequestLogging(fastify, pino);
    fastify.get('/api/*', async (request, reply) => {
      if (request.url.includes('user')) (request as { user?: { id: string } }).user = { id: 'user-"7"' };
      return reply.code(request.url.includes('fail') ? 500 : request.url.includes('bad') ? 400 : 200).send({});
    });
    await fastify.ready();
    const urls = ['/api/a?q="quoted"&x=%E2%9C%93', '/api/user/ünïcode', '/api/bad\\path', '/api/fail'];
    for (const [i, url] of urls.entries()) await fastify.inject({ method: 'GET', url, headers: { 'x-request-id': `req-${i}` } });
    await fastify.close();

    const ours = lines();
    expect(ours).toHaveLength(urls.length);
    for (const line of ours) {
      // The same fields through pino's own path: a child with serializers picking the same parts.
      const reference = memoryLogger();
      const level = { 30: 'info', 40: 'warn', 50: 'error' }[line.level as number] as 'info' | 'warn' | 'error';
      const { msg, level: _level, time: _time, pid: _pid, hostname: _hostname, ...fields } = line;
      reference.logger[level](fields, msg as string);
      const [expected] = reference.lines();
      expect(Object.keys(line)).toEqual(Object.keys(expected!));
      expect({ ...line, time: 0 }).toEqual({ ...expected, time: 0 });
    }
    expect(ours.map((l) => [l.level, l.msg])).toEqual([
      [30, 'request completed'],
      [30, 'request completed'],
      [40, 'request completed'],
      [50, 'request errored'],
    ]);
    expect(ours[1]).toMatchObject({ userId: 'user-"7"', req: { url: '/api/user/%C3%BCn%C3%AFcode' } });
  });
});
