/**
 * A table whose rows drive queue jobs. The reconciler asks each source for rows that should have a live
 * queue job, and re-enqueues those that have none (crash between commit and enqueue, Redis data loss).
 */
export interface ReconcileSource {
  readonly name: string;
  /** Ids of rows still QUEUED/PROCESSING whose last update is older than `before`. */
  findUnsettled(before: Date, limit: number): Promise<string[]>;
  /** Queue state of the row's job ('unknown' when Redis has no such job). */
  jobState(id: string): Promise<string>;
  /** Enqueue (again) the job for a row; the job id is the row id, so a live job is never duplicated. */
  requeue(id: string): Promise<void>;
}

export const RECONCILE_SOURCES = Symbol('RECONCILE_SOURCES');
