import { parseArgs } from 'node:util';
import {
  checkInstalled,
  findModel,
  InstalledState,
  MODEL_REGISTRY,
  ModelRegistryEntry,
  pullModel,
} from '@app/ai-providers';
import { formatBytes, ProgressSink, progressReporter } from './progress';

export const MODELS_USAGE = `Usage: npm run models -- <list | pull <name…> | verify> [options]
  list                        every registry model: size, licence, commercial use, tier, installed, checksum
  pull <name…>                download, verify the published checksum, install into MODELS_DIR
    --mirror <base-url>       fetch <base-url>/<file name> instead of the source URL (same checksum)
    --from <file>             install a local file (one name), verified like a download
    --timeout-ms <n>          give up when no data arrives for n ms (default 30000)
  verify                      re-check every installed model file; exit 1 on a mismatch`;

export interface ModelsCommandContext {
  modelsDir: string;
  /** Injectable so tests can point an entry at a local server; the real registry otherwise. */
  registry?: readonly ModelRegistryEntry[];
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Progress bar (TTY) or periodic log lines; stderr by default so stdout stays parseable. */
  progress?: ProgressSink;
  signal?: AbortSignal;
}

/** `models list | pull | verify`. Returns the exit code: 0 ok, 1 a pull or verification failed, 2 bad usage. */
export async function runModelsCommand(args: string[], ctx: ModelsCommandContext): Promise<number> {
  const registry = ctx.registry ?? MODEL_REGISTRY;
  const out = ctx.out ?? ((line: string) => console.log(line));
  const err = ctx.err ?? ((line: string) => console.error(line));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { mirror: { type: 'string' }, from: { type: 'string' }, 'timeout-ms': { type: 'string' } },
    });
  } catch (e) {
    err(`${(e as Error).message}\n${MODELS_USAGE}`);
    return 2;
  }
  const [sub, ...names] = parsed.positionals;
  const { mirror, from } = parsed.values;
  switch (sub) {
    case 'list':
      return list(registry, ctx.modelsDir, out);
    case 'verify':
      return verify(registry, ctx.modelsDir, out, err);
    case 'pull': {
      const timeoutMs = parsed.values['timeout-ms'] === undefined ? undefined : Number(parsed.values['timeout-ms']);
      const unknown = names.filter((n) => !findModel(n, registry));
      const problem = !names.length
        ? `pull needs model names: ${registry.map((m) => m.name).join(', ')}`
        : unknown.length
          ? `unknown model(s) ${unknown.join(', ')}; known: ${registry.map((m) => m.name).join(', ')}`
          : from && names.length !== 1
            ? '--from installs one file: name exactly one model'
            : from && mirror
              ? '--from and --mirror exclude each other'
              : timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)
                ? '--timeout-ms must be a positive integer'
                : undefined;
      if (problem) {
        err(problem);
        return 2;
      }
      const entries = names.map((n) => findModel(n, registry)!);
      return pull(entries, { ...ctx, out, err, mirror, from, timeoutMs });
    }
    default:
      (sub ? err : out)(MODELS_USAGE);
      return sub ? 2 : 0;
  }
}

async function list(registry: readonly ModelRegistryEntry[], dir: string, out: (line: string) => void): Promise<number> {
  const states = await Promise.all(registry.map((entry) => checkInstalled(entry, dir)));
  const rows = states.map((s) => [
    s.entry.name,
    s.entry.bytes !== undefined ? formatBytes(s.entry.bytes) : s.bytes !== undefined ? formatBytes(s.bytes) : '—',
    s.entry.licence.weights.split(' ')[0]!,
    s.entry.commercialUse ? 'yes' : 'NO',
    s.entry.suggestedTier,
    s.state === 'missing' ? 'no' : 'yes',
    s.state === 'missing' ? '—' : s.state === 'ok' ? 'ok' : 'MISMATCH',
  ]);
  out(table(['NAME', 'SIZE', 'WEIGHTS LICENCE', 'COMMERCIAL', 'TIER', 'INSTALLED', 'CHECKSUM'], rows));
  out(`MODELS_DIR ${dir}`);
  if (registry.some((m) => m.bytes === undefined)) out('SIZE: unpublished by the source (—) until the file is installed.');
  const mismatched = states.filter((s) => s.state === 'mismatch');
  for (const s of mismatched) out(`${s.entry.name}: ${mismatchText(s)}`);
  return 0;
}

async function verify(
  registry: readonly ModelRegistryEntry[],
  dir: string,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const installed = (await Promise.all(registry.map((entry) => checkInstalled(entry, dir)))).filter((s) => s.state !== 'missing');
  if (!installed.length) {
    out(`no registry model installed in ${dir}`);
    return 0;
  }
  for (const s of installed) {
    if (s.state === 'ok') out(`ok        ${s.entry.name} (${s.actual})`);
    else err(`MISMATCH  ${s.entry.name}: ${mismatchText(s)}; fix: npm run models -- pull ${s.entry.name}`);
  }
  const bad = installed.filter((s) => s.state === 'mismatch').length;
  out(bad ? `${bad} of ${installed.length} installed model file(s) failed verification` : `${installed.length} installed model file(s) verified`);
  return bad ? 1 : 0;
}

interface PullContext extends ModelsCommandContext {
  out: (line: string) => void;
  err: (line: string) => void;
  mirror?: string;
  from?: string;
  timeoutMs?: number;
}

/** Pulls each model in turn; one failure does not stop the others, but makes the exit code 1. */
async function pull(entries: ModelRegistryEntry[], ctx: PullContext): Promise<number> {
  let failed = 0;
  for (const entry of entries) {
    if (!entry.commercialUse) {
      ctx.out(`note: ${entry.name} weights are ${entry.licence.weights}: NOT cleared for commercial use`);
    }
    const progress = progressReporter(entry.name, ctx.progress ?? process.stderr);
    try {
      const result = await pullModel(entry, {
        dir: ctx.modelsDir,
        mirror: ctx.mirror,
        from: ctx.from,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        onProgress: (p) => progress.update(p),
        onInfo: (message) => ctx.out(`${entry.name}: ${message}`),
      });
      progress.finish();
      ctx.out(
        result.status === 'already-installed'
          ? `${entry.name}: already installed and verified (${result.checksum}) at ${result.path}`
          : `${entry.name}: installed ${result.path} (${formatBytes(result.bytes)}, ${result.checksum} verified) from ${result.source}`,
      );
    } catch (e) {
      progress.finish();
      failed++;
      ctx.err(`${entry.name}: FAILED: ${(e as Error).message}. Nothing was installed.`);
    }
  }
  return failed ? 1 : 0;
}

function mismatchText(s: InstalledState): string {
  const expected = `${s.entry.checksum.algorithm}:${s.entry.checksum.value}`;
  const size = s.entry.bytes !== undefined && s.bytes !== s.entry.bytes ? `; ${s.bytes} bytes, expected ${s.entry.bytes}` : '';
  return `checksum ${s.actual}, expected ${expected}${size}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
