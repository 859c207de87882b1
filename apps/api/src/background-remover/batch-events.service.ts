import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { finalizeJobId } from '@app/background-remover';
import { JobCompletionWaiter, QueueName } from '@app/jobs';
import type { BatchDto } from './dto/removal-responses.dto';
import { RemovalQueryService } from './removal-query.service';

/** Longest an event stream stays open. */
export const EVENTS_MAX_MS = 15 * 60_000;
/** A comment line keeps proxies from closing an idle stream; it costs no query. */
const HEARTBEAT_MS = 15_000;
/** Re-read even without an event, in case one was lost (e.g. across a Redis reconnect). */
const SAFETY_RECHECK_MS = 5 * 60_000;

/**
 * `GET /batch/:id/events`, driven by queue events instead of polling: the stream re-reads the batch (one query) only
 * when one of its jobs — an item or the finalize job — finishes an attempt, and sends nothing but a heartbeat while
 * nothing changes. All streams of a process share one QueueEvents subscription (JobCompletionWaiter).
 */
@Injectable()
export class BatchEventsService {
  constructor(
    private readonly queries: RemovalQueryService,
    private readonly completion: JobCompletionWaiter,
  ) {}

  async stream(userId: string, first: BatchDto, raw: ServerResponse): Promise<void> {
    const jobIds = new Set([...(first.items ?? []).map((item) => item.id), finalizeJobId(first.id)]);
    let changed = false;
    let wake: () => void = () => undefined;
    const unsubscribe = await this.completion.onFinished(QueueName.BackgroundRemoval, ({ jobId }) => {
      if (!jobIds.has(jobId)) return;
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
      let batch = await this.queries.getBatch(userId, first.id);
      let lastRead = Date.now();
      let last = '';
      const deadline = Date.now() + EVENTS_MAX_MS;
      while (!closed) {
        const { items: _items, ...summary } = batch;
        const data = JSON.stringify(summary);
        if (data !== last) {
          raw.write(`event: progress\nid: ${batch.succeededItems + batch.failedItems}\ndata: ${data}\n\n`);
          last = data;
        }
        if (this.queries.isTerminal(batch) || Date.now() > deadline) break;
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
          batch = await this.queries.getBatch(userId, first.id);
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
