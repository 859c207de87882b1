import { type Job, UnrecoverableError } from 'bullmq';
import type { JobOutcome } from '@app/metrics';

/**
 * What a run that returned `result` means for the metrics. A paid-job handler that gives up (settles the row FAILED
 * and refunds) finishes normally so BullMQ does not retry, and says so with the PaidJobOutcome `'failed'`; a late or
 * duplicate run that found its row settled or gone did no work (`skipped`, not a success to count).
 */
export function completedOutcome(result: unknown): JobOutcome {
  if (result === 'failed') return 'failed';
  return result === 'already-settled' || result === 'gone' ? 'skipped' : 'succeeded';
}

/** What a run that threw means: BullMQ runs it again while attempts remain, unless the error is unrecoverable. */
export function thrownOutcome(job: Pick<Job, 'attemptsMade' | 'opts'>, err: unknown): JobOutcome {
  const attemptsLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  return attemptsLeft && !(err instanceof UnrecoverableError) ? 'retried' : 'failed';
}
