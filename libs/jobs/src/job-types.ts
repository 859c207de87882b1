/**
 * Queue and job names with their payload types: the one contract shared by the API (producer) and the
 * worker (consumer). Payloads carry row ids only; the database row is the source of truth.
 */
export const QueueName = {
  BackgroundRemoval: 'background-removal',
  AvatarGeneration: 'avatar-generation',
  Maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Add a job here only together with its worker handler: the worker refuses to boot otherwise. */
export const JobName = {
  RemoveBackground: 'remove-background',
  FinalizeBatch: 'finalize-batch',
  DeliverBatchWebhook: 'deliver-batch-webhook',
  DeliverJobWebhook: 'deliver-job-webhook',
  Reconcile: 'reconcile',
  RetentionSweep: 'retention-sweep',
  GenerateAvatar: 'generate-avatar',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface JobPayloads {
  [JobName.RemoveBackground]: { jobId: string };
  [JobName.FinalizeBatch]: { batchId: string };
  [JobName.DeliverBatchWebhook]: { batchId: string };
  /** `attempt`: the job's processing attempt the event belongs to (distinguishes repeated `progress` events). */
  [JobName.DeliverJobWebhook]: { jobId: string; event: 'completed' | 'failed' | 'progress'; attempt: number };
  [JobName.Reconcile]: Record<string, never>;
  [JobName.RetentionSweep]: Record<string, never>;
  [JobName.GenerateAvatar]: { generationId: string };
}

/** Which queue each job runs on. Heavy CPU work gets its own queue so it scales by worker processes. */
export const JOB_QUEUE: { readonly [N in JobName]: QueueName } = {
  [JobName.RemoveBackground]: QueueName.BackgroundRemoval,
  [JobName.FinalizeBatch]: QueueName.BackgroundRemoval,
  [JobName.DeliverBatchWebhook]: QueueName.Maintenance,
  [JobName.DeliverJobWebhook]: QueueName.Maintenance,
  [JobName.Reconcile]: QueueName.Maintenance,
  [JobName.RetentionSweep]: QueueName.Maintenance,
  [JobName.GenerateAvatar]: QueueName.AvatarGeneration,
};

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
export const ALL_JOBS: readonly JobName[] = Object.values(JobName);

/** Retries for transient failures; handlers decide what is transient and fail permanently otherwise. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  // 'paid-job': exponential from `delay`, stretched to a provider's Retry-After (the worker's backoffStrategy).
  backoff: { type: 'paid-job', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
