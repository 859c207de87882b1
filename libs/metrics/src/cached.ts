/**
 * `fn` at most once per `ttlMs`: callers within the window share the last result (or the call in flight), so
 * several scrapers (or replicas' Prometheus) hitting at once cost one round of Redis/database reads.
 */
export function cachedFor(ttlMs: number, fn: () => Promise<void>): () => Promise<void> {
  let last: { at: number; run: Promise<void> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= ttlMs) last = { at: now, run: fn() };
    return last.run;
  };
}
