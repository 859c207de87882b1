/** Events a single removal job can send to its `webhookUrl`. */
export const JOB_WEBHOOK_EVENTS = ['completed', 'failed', 'progress'] as const;
export type JobWebhookEvent = (typeof JOB_WEBHOOK_EVENTS)[number];

/** What a job with a webhookUrl and no webhookEvents is sent: its final outcome. */
export const DEFAULT_JOB_WEBHOOK_EVENTS: JobWebhookEvent[] = ['completed', 'failed'];

/** One delivery job per job and event (per attempt for `progress`), so a settled job never notifies twice. */
export const jobWebhookJobId = (jobId: string, event: JobWebhookEvent, attempt: number) =>
  event === 'progress' ? `webhook-job-${jobId}-progress-${attempt}` : `webhook-job-${jobId}-${event}`;
