export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found, e.g. "1/1 applied" or "pending: 20261122000000_init". */
  detail: string;
  /** One line telling an operator how to fix it (only when not ok). */
  remedy?: string;
  /** Structured extras (counts per app, workers per queue, ...). */
  data?: Record<string, unknown>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: CheckResult[];
}
