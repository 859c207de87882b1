import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { redactUrl } from '@app/common';
import { toErrorResponse } from './error-response';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    sendError(reply, request, exception, this.logger);
  }
}

export function sendError(reply: FastifyReply, request: FastifyRequest, exception: unknown, logger: Logger): void {
  const { body, headers, unexpected } = toErrorResponse(exception, String(request.id));
  if (unexpected) {
    logger.error({ err: exception, requestId: request.id, method: request.method, url: redactUrl(request.url) }, 'unhandled error');
  } else if (body.statusCode >= 500) {
    logger.warn({ requestId: request.id, code: body.code, url: redactUrl(request.url) }, body.message);
  }
  if (body.statusCode === 429 && !reply.getHeader('retry-after')) {
    const named = Object.entries(reply.getHeaders()).find(([k]) => k.startsWith('retry-after-'));
    reply.header('retry-after', named ? String(named[1]) : '60');
  }
  if (reply.sent) return;
  void reply.status(body.statusCode).headers(headers).send(body);
}
