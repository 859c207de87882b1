import type { ReadinessReport } from '@app/health';

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
