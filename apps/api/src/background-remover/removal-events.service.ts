import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { finalizeJobId } from '@app/background-remover';
import { JobCompletionWaiter, QueueName } from '@app/jobs';
import type { BatchDto, RemovalJobDto } from './dto/removal-responses.dto';
import { RemovalQueryService } from './removal-query.service';
import { isSettled } from './removal-waiter.service';

/** Longest an event stream stays open. */
export const EVENTS_MAX_MS = 15 * 60_000;
/** A comment line keeps proxies from closing an idle stream; it costs no query. */
const HEARTBEAT_MS = 15_000;
/** Re-read even without an event, in case one was lost (e.g. across a Redis reconnect). */
const SAFETY_RECHECK_MS = 5 * 60_000;

/** What one stream follows: the queue jobs whose events may change it, how to read it, and when it is final. */
interface FollowedResource<T> {
  queueJobIds: Set<string>;
  read: () => Promise<T>;
  isFinal: (value: T) => boolean;
  /** The `progress` event: its id and data. */
  render: (value: T) => { id: number; data: unknown };
}

/**
 * `GET /batch/:id/events` and `GET /jobs/:id/events`, driven by queue events instead of polling: a stream re-reads
 * its batch or job (one query) only when one of its queue jobs — an item, the finalize job — finishes an attempt or
 * is removed (canceled), and sends nothing but a heartbeat while nothing changes. All streams of a process share one
 * QueueEvents subscription (JobCompletionWaiter).
 */
@Injectable()
export class RemovalEventsService {
  constructor(
    private readonly queries: RemovalQueryService,
    private readonly completion: JobCompletionWaiter,
  ) {}

  streamBatch(userId: string, first: BatchDto, raw: ServerResponse): Promise<void> {
    return this.follow(raw, {
      queueJobIds: new Set([...(first.items ?? []).map((item) => item.id), finalizeJobId(first.id)]),
      read: () => this.queries.getBatch(userId, first.id),
      isFinal: (batch) => this.queries.isTerminal(batch),
      render: ({ items: _items, ...summary }) => ({ id: summary.succeededItems + summary.failedItems + summary.canceledItems, data: summary }),
    });
  }

  streamJob(userId: string, first: RemovalJobDto, raw: ServerResponse): Promise<void> {
    let changes = 0;
    return this.follow(raw, {
      queueJobIds: new Set([first.id]),
      read: () => this.queries.getJob(userId, first.id),
      isFinal: isSettled,
      render: (job) => ({ id: changes++, data: job }),
    });
  }

  private async follow<T>(raw: ServerResponse, resource: FollowedResource<T>): Promise<void> {
    let changed = false;
    let wake: () => void = () => undefined;
    const unsubscribe = await this.completion.onFinished(QueueName.BackgroundRemoval, ({ jobId }) => {
      if (!resource.queueJobIds.has(jobId)) return;
      changed = true;
      wake();
    });
    let closed = false;
    raw.on('close', () => {
      closed = true;
      wake();
    });
    try {
      // Subscribed before this read, so a change in between is not missed.
      let value = await resource.read();
      let lastRead = Date.now();
      let last = '';
      const deadline = Date.now() + EVENTS_MAX_MS;
      while (!closed) {
        const event = resource.render(value);
        const data = JSON.stringify(event.data);
        if (data !== last) {
          raw.write(`event: progress\nid: ${event.id}\ndata: ${data}\n\n`);
          last = data;
        }
        if (resource.isFinal(value) || Date.now() > deadline) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, HEARTBEAT_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
          if (changed || closed) wake();
        });
        if (closed) break;
        if (changed || Date.now() - lastRead >= SAFETY_RECHECK_MS) {
          changed = false;
          value = await resource.read();
          lastRead = Date.now();
        } else {
          raw.write(': keep-alive\n\n');
        }
      }
      if (!closed) raw.end('event: end\ndata: {}\n\n');
    } finally {
      unsubscribe();
    }
  }
}

/** Takes the response over from Fastify and starts a server-sent event stream on it. */
export function openEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(reply.request.id),
  });
  return reply.raw;
}
