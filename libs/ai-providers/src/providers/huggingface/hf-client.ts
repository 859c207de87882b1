import { Inject, Injectable, Optional } from '@nestjs/common';
import { InferenceClient, type Options } from '@huggingface/inference';
import { AppConfig } from '@app/config';
import { ProviderError } from '../../ai-provider.types';
import { callWithRetries, DEFAULT_HF_BACKOFF, HfBackoff } from './hf-retry';

/** Overrides the backoff shape (tests use millisecond delays). */
export const HF_BACKOFF = Symbol('HF_BACKOFF');

/** Per-call options for an InferenceClient task: our signal and probe fetch, the client's own retry off. */
export type HfCallOptions = Required<Pick<Options, 'signal' | 'fetch' | 'retry_on_error'>>;

/**
 * The one InferenceClient, wrapped in our timeout and retry policy. The token lives only inside the client (sent
 * as `Authorization: Bearer`); nothing here logs or echoes it, and the library redacts it from its errors.
 */
@Injectable()
export class HuggingFaceClient {
  private readonly client: InferenceClient;
  private readonly backoff: HfBackoff;

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(HF_BACKOFF) backoff?: HfBackoff,
  ) {
    this.client = new InferenceClient(config.HF_TOKEN ?? '');
    this.backoff = backoff ?? DEFAULT_HF_BACKOFF;
  }

  get hasToken(): boolean {
    return Boolean(this.config.HF_TOKEN);
  }

  async call<T>(
    label: string,
    signal: AbortSignal | undefined,
    task: (client: InferenceClient, options: HfCallOptions) => Promise<T>,
  ): Promise<T> {
    if (!this.hasToken) throw new ProviderError('Hugging Face is not configured: HF_TOKEN is not set', false);
    const limits = {
      maxAttempts: this.config.HF_MAX_ATTEMPTS,
      maxTotalWaitMs: this.config.HF_MAX_RETRY_WAIT_MS,
      timeoutMs: this.config.HF_TIMEOUT_MS,
      maxResponseBytes: this.config.PROVIDER_OUTPUT_MAX_BYTES,
    };
    return callWithRetries(label, limits, this.backoff, signal, (attempt) =>
      task(this.client, { signal: attempt.signal, fetch: attempt.fetch, retry_on_error: false }),
    );
  }
}

/** "https://host/path?x" → "https://host" for health output (no path, query or credentials). */
export function endpointOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
