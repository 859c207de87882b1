import type { EvalBackground } from './eval-backgrounds';
import type { EvalSubjectKind } from './eval-subjects';

/** One remover's result on one evaluation image. */
export interface EvalResult {
  provider: string;
  subject: EvalSubjectKind;
  background: EvalBackground;
  iou: number;
  mae: number;
  ms: number;
  /** Which path the embedded remover took (person / classical / opaque). */
  choice?: string;
}

interface Cell {
  iou: number;
  mae: number;
  n: number;
  person: number;
}

function summarise(rows: EvalResult[]): Cell {
  const n = rows.length;
  return {
    iou: rows.reduce((s, r) => s + r.iou, 0) / n,
    mae: rows.reduce((s, r) => s + r.mae, 0) / n,
    n,
    person: rows.filter((r) => r.choice === 'person').length,
  };
}

/**
 * Markdown table: one row per subject × background (and per subject, and overall), mean IoU and MAE per
 * provider, plus how often the person path was taken by the last provider.
 */
export function qualityTable(results: EvalResult[], providers: string[]): string {
  // Fixed order: each subject's backgrounds, then that subject overall; everything last.
  const groups = new Map<string, EvalResult[]>();
  const add = (key: string, r: EvalResult) => groups.set(key, [...(groups.get(key) ?? []), r]);
  const subjects = [...new Set(results.map((r) => r.subject))];
  for (const subject of subjects) {
    const rows = results.filter((r) => r.subject === subject);
    for (const r of rows) add(`${subject} · ${r.background}`, r);
    for (const r of rows) add(`**${subject} · all**`, r);
  }
  for (const r of results) add('**all images**', r);
  const header = ['Scene (subject · background)', 'n', ...providers.flatMap((p) => [`${p} IoU`, `${p} MAE`]), 'person path taken'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const [key, rows] of groups) {
    const cells = providers.map((p) => summarise(rows.filter((r) => r.provider === p)));
    const last = cells[cells.length - 1]!;
    lines.push(
      `| ${key} | ${last.n} | ${cells.map((c) => `${c.iou.toFixed(3)} | ${c.mae.toFixed(3)}`).join(' | ')} | ${last.person}/${last.n} |`,
    );
  }
  return lines.join('\n');
}

/** Mean milliseconds per image for each provider. */
export function timingLine(results: EvalResult[], providers: string[]): string {
  return providers
    .map((p) => {
      const rows = results.filter((r) => r.provider === p);
      const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
      const mean = ms.reduce((s, v) => s + v, 0) / ms.length;
      return `${p}: mean ${mean.toFixed(0)} ms, median ${ms[ms.length >> 1]!.toFixed(0)} ms, max ${ms[ms.length - 1]!.toFixed(0)} ms`;
    })
    .join('; ');
}

/** Replaces the section that starts with `heading` (up to the next `## `) or appends it. */
export function replaceSection(markdown: string, heading: string, body: string): string {
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = markdown.indexOf(heading);
  if (start < 0) return `${markdown.trimEnd()}\n\n${section}`;
  const next = markdown.indexOf('\n## ', start + heading.length);
  const end = next < 0 ? markdown.length : next + 1;
  return `${markdown.slice(0, start)}${section}${next < 0 ? '' : '\n'}${markdown.slice(end)}`;
}
