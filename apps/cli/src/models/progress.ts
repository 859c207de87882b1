/** Where progress goes: process.stderr in the CLI, a recorder in tests. */
export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressReporter {
  update(progress: { received: number; total?: number }): void;
  /** Ends the bar's line (TTY); nothing to do for log lines. */
  finish(): void;
}

const BAR_WIDTH = 30;

/**
 * A redrawn bar on a terminal (at most 10 redraws a second), otherwise a log line every `logEveryMs`, so CI and
 * `docker build` logs show a long download moving without thousands of lines.
 */
export function progressReporter(name: string, sink: ProgressSink, logEveryMs = 5_000, now = Date.now): ProgressReporter {
  const started = now();
  let last = 0;
  let drawn = false;
  const line = (received: number, total?: number) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = `${formatBytes(received / seconds)}/s`;
    if (!total) return `${name}: ${formatBytes(received)} ${rate}`;
    const share = Math.min(received / total, 1);
    return `${name}: ${Math.floor(share * 100)}% ${formatBytes(received)} of ${formatBytes(total)} ${rate}`;
  };
  return {
    update({ received, total }) {
      const t = now();
      if (sink.isTTY) {
        if (t - last < 100 && received !== total) return;
        last = t;
        drawn = true;
        const filled = total ? Math.round(Math.min(received / total, 1) * BAR_WIDTH) : 0;
        const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ` : '';
        sink.write(`\r\x1b[2K${bar}${line(received, total)}`);
      } else if (t - last >= logEveryMs) {
        last = t;
        sink.write(`${line(received, total)}\n`);
      }
    },
    finish() {
      if (drawn) sink.write('\n');
      drawn = false;
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
