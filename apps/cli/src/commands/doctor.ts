import type { AiProviderRegistry } from '@app/ai-providers';
import type { ReadinessReport, ReadinessService } from '@app/health';

/**
 * The readiness report, with model files' checksums known: readiness only starts hashing a model file (so probes
 * stay fast); a one-shot doctor waits for those hashes and checks again, so a corrupt file is named, not "pending".
 */
export async function doctorReport(
  readiness: Pick<ReadinessService, 'check'>,
  providers: Pick<AiProviderRegistry, 'modelFileChecks'>,
): Promise<ReadinessReport> {
  await readiness.check();
  await providers.modelFileChecks();
  return readiness.check();
}

/** Human-readable readiness report for `npm run doctor`. */
export function formatReport(report: ReadinessReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => {
    const mark = c.ok ? 'ok  ' : 'FAIL';
    const remedy = !c.ok && c.remedy ? `\n${' '.repeat(width + 9)}→ ${c.remedy}` : '';
    return `  [${mark}] ${c.name.padEnd(width)}  ${c.detail}${remedy}`;
  });
  const verdict = report.ready ? 'READY: every check passed' : `NOT READY: ${report.checks.filter((c) => !c.ok).length} check(s) failed`;
  return ['Lumiku doctor', ...lines, '', verdict].join('\n');
}
