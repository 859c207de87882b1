import { Logger } from '@nestjs/common';
import { ProviderError } from '../../ai-provider.types';
import { classifyHfError, HfFailure } from './hf-errors';
import { ResponseProbe } from './hf-response-probe';

/** Bounds from config (HF_MAX_ATTEMPTS, HF_MAX_RETRY_WAIT_MS, HF_TIMEOUT_MS, PROVIDER_OUTPUT_MAX_BYTES). */
export interface HfRetryLimits {
  maxAttempts: number;
  /** Total time spent sleeping between attempts, over the whole call. */
  maxTotalWaitMs: number;
  /** Per attempt, from sending the request to the last byte of the response. */
  timeoutMs: number;
  maxResponseBytes: number;
}

/** Backoff shape; tests shrink it. */
export interface HfBackoff {
  baseDelayMs: number;
  maxDelayMs: number;
  /** [0, 1): the jitter source. */
  random: () => number;
}

export const DEFAULT_HF_BACKOFF: HfBackoff = { baseDelayMs: 1_000, maxDelayMs: 30_000, random: Math.random };

export interface HfAttempt {
  /** Aborts on the per-attempt timeout or the caller's signal. */
  signal: AbortSignal;
  /** Pass as `fetch` to the InferenceClient call: records status and headers, caps the body. */
  fetch: typeof fetch;
  attempt: number;
}

const logger = new Logger('HuggingFace');

/**
 * Runs one Hugging Face call with our own retry policy (the client's retry_on_error must be false: its 503 retry
 * is immediate and unbounded). Transient failures (503 loading, 429, 5xx, network, timeout) are retried after the
 * server's hint (estimated_time / Retry-After) or exponential backoff with jitter, while attempts < maxAttempts
 * and the total wait stays within maxTotalWaitMs. Permanent failures throw at once. When retries run out, the
 * ProviderError is transient with retryAfterMs, so the job queue can try again later.
 * Logs carry status, attempt and delay only: never the token or the request.
 */
export async function callWithRetries<T>(
  label: string,
  limits: HfRetryLimits,
  backoff: HfBackoff,
  callerSignal: AbortSignal | undefined,
  run: (attempt: HfAttempt) => Promise<T>,
): Promise<T> {
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    callerSignal?.throwIfAborted();
    const probe = new ResponseProbe(limits.maxResponseBytes);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('attempt timed out')), limits.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
    let failure: HfFailure;
    try {
      return await run({ signal, fetch: probe.fetch, attempt });
    } catch (err) {
      // The caller gave up (job cancelled, shutdown): not a provider failure, do not retry.
      if (callerSignal?.aborted) throw callerSignal.reason;
      failure = classifyHfError(err, probe, timeout.signal.aborted ? limits.timeoutMs : undefined);
    } finally {
      clearTimeout(timer);
    }

    const extra = { status: failure.status, providerRequestId: failure.requestId };
    if (!failure.transient) throw new ProviderError(`Hugging Face ${label} failed: ${failure.message}`, false, extra);

    const delayMs = nextDelay(attempt, failure.retryAfterMs, backoff);
    const outOfAttempts = attempt >= limits.maxAttempts;
    if (outOfAttempts || waitedMs + delayMs > limits.maxTotalWaitMs) {
      const why = outOfAttempts ? `${attempt} attempt(s)` : `${attempt} attempt(s) and ${waitedMs} ms of waiting`;
      throw new ProviderError(`Hugging Face ${label} unavailable after ${why}: ${failure.message}`, true, {
        ...extra,
        retryAfterMs: delayMs,
      });
    }
    logger.warn(
      `${label}: attempt ${attempt}/${limits.maxAttempts} failed (${failure.message}); retrying in ${delayMs} ms` +
        (failure.requestId ? ` [request ${failure.requestId}]` : ''),
    );
    await sleep(delayMs, callerSignal);
    waitedMs += delayMs;
  }
}

/**
 * The server's hint is honoured as a floor plus up to 10% jitter (so a fleet does not return in lockstep);
 * otherwise exponential backoff with "equal jitter": half fixed, half random.
 */
export function nextDelay(attempt: number, hintMs: number | undefined, backoff: HfBackoff): number {
  if (hintMs !== undefined) return Math.round(hintMs * (1 + 0.1 * backoff.random()));
  const exp = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * backoff.random());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
