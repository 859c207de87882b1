import { DomainError, ErrorCode, isDomainError } from '@app/common';
import { ProviderError, providerFailureMessage } from '@app/ai-providers';
import { mapPrismaError } from '@app/prisma';
import { JobName } from './job-types';

/**
 * The paid-job lifecycle both products share: accept (charge + row) → queue → process → settle or refund once.
 * One failure classification, one set of open statuses, one attempt cap, so the products cannot drift apart again.
 */

/** Statuses of a row that may still run, settle or be refunded; every transition is conditional on them. */
export const OPEN_JOB_STATUSES: ('QUEUED' | 'PROCESSING')[] = ['QUEUED', 'PROCESSING'];

/** Jobs that run something a user paid for: each run ends with a PaidJobOutcome (or throws to be retried). */
export const PAID_JOB_NAMES = [JobName.RemoveBackground, JobName.GenerateAvatar] as const;
export type PaidJobName = (typeof PAID_JOB_NAMES)[number];

/**
 * How one run of a paid job ended; the job's return value (BullMQ keeps it, the queue UI shows it). A run that will
 * be retried throws instead.
 * - `succeeded`: this run settled the row SUCCEEDED (output stored, nothing refunded);
 * - `failed`: this run settled it FAILED and gave the payment back;
 * - `already-settled`: someone else settled it first (an earlier run, the reconciler, a failed enqueue, a deletion),
 *   so this run produced nothing and moved no money;
 * - `gone`: the row no longer exists (deleted with its project or by retention).
 */
export type PaidJobOutcome = 'succeeded' | 'failed' | 'already-settled' | 'gone';

/** Processing attempts over all job runs after which the reconciler stops re-enqueueing and fails + refunds. */
export const MAX_TOTAL_ATTEMPTS = 10;

/** Failures that may pass by themselves (the provider, the database or the queue were briefly unavailable or busy). */
const TRANSIENT_CODES = new Set<ErrorCode>(['PROVIDER_UNAVAILABLE', 'DATABASE_UNAVAILABLE', 'DATABASE_BUSY', 'QUEUE_UNAVAILABLE']);

export interface JobFailure {
  /** Worth another attempt (while BullMQ attempts remain); otherwise settle FAILED and refund now. */
  transient: boolean;
  code: ErrorCode;
  /** Shown to the user: our own words, never a provider's or library's text (that goes to the logs). */
  message: string;
  /** The provider's own hint (HTTP 503 estimated_time, Retry-After), for the queue's backoff. */
  retryAfterMs?: number;
}

export function classifyJobFailure(err: unknown): JobFailure {
  if (err instanceof ProviderError) {
    return { transient: err.transient, code: err.code, message: providerFailureMessage(err), retryAfterMs: err.extra.retryAfterMs };
  }
  const domain: DomainError | undefined = isDomainError(err) ? err : mapPrismaError(err);
  if (domain) return { transient: TRANSIENT_CODES.has(domain.code), code: domain.code, message: domain.message };
  // A bug or an unexpected library error: retrying may help (a stall, a race), and the last attempt refunds.
  return { transient: true, code: 'INTERNAL_ERROR', message: 'Processing failed unexpectedly' };
}

/** Exponential backoff (base × 2^(attempt-1)), stretched to the provider's own Retry-After when it asks for longer. */
export function paidJobBackoffMs(attemptsMade: number, baseMs: number, err?: unknown, maxMs = 10 * 60_000): number {
  const exponential = baseMs * 2 ** Math.max(attemptsMade - 1, 0);
  const hint = err instanceof ProviderError ? (err.extra.retryAfterMs ?? 0) : 0;
  return Math.min(Math.max(exponential, hint), maxMs);
}
