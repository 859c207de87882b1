/** Something that deletes what has outlived its retention (expired outputs and their rows' URLs, old previews...). */
export interface RetentionSweeper {
  readonly name: string;
  /** Deletes expired items; returns how many were removed. */
  sweep(now: Date): Promise<number>;
}

export const RETENTION_SWEEPERS = Symbol('RETENTION_SWEEPERS');
