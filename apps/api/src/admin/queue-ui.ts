import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { ALL_QUEUES, JobProducer } from '@app/jobs';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { AdminSessions } from './admin-session';

export const QUEUE_UI_PATH = '/api/admin/queues';

/**
 * The BullMQ queue UI (bull-board) at /api/admin/queues, for admins only: an admin bearer token, or the session
 * cookie from POST /api/admin/session (what a browser uses). Read-only unless QUEUE_UI_ACTIONS=true (retry, clean,
 * promote). Answers outside Nest, so the check is a Fastify hook in the UI's own scope, with the error contract.
 */
export async function registerQueueUi(app: INestApplication, fastify: FastifyInstance, config: AppConfig): Promise<void> {
  const producer = app.get(JobProducer);
  const guard = app.get(JwtAuthGuard);
  const sessions = app.get(AdminSessions);
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_UI_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullMQAdapter(producer.queue(name), { readOnlyMode: !config.QUEUE_UI_ACTIONS })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Lumiku queues' } },
  });

  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        const bearer = request.headers.authorization ? await guard.userFromAuthorization(request.headers.authorization) : null;
        const access = bearer ? (bearer.role === 'ADMIN' ? 'admin' : 'forbidden') : await sessions.check(request.headers.cookie);
        if (access === 'admin') return;
        const [statusCode, code, message] =
          access === 'forbidden'
            ? [403, 'FORBIDDEN', 'The queue UI is for admins']
            : [401, 'UNAUTHORIZED', 'Sign in as an admin: a bearer token, or the cookie from POST /api/admin/session'];
        return reply.code(statusCode).header('content-type', 'application/json; charset=utf-8').send({ statusCode, code, message, requestId: request.id });
      });
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUE_UI_PATH },
  );
}
