/**
 * avatar_generations.params as the API stores it when it accepts a request (apps/api/src/avatar-creator/
 * avatar-generation-params.ts): everything the generation runs with, fixed at charge time so retries reproduce it.
 */
export interface StoredGenerationParams {
  width: number;
  height: number;
  seed: number;
  steps?: number;
  guidanceScale?: number;
}

const DEFAULT_SIDE = 1024;

/** Reads the JSON column defensively; unknown keys are kept by the caller when it writes `output` back. */
export function readStoredParams(value: unknown): StoredGenerationParams {
  const p = asObject(value);
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  return {
    width: num(p.width, DEFAULT_SIDE),
    height: num(p.height, DEFAULT_SIDE),
    seed: num(p.seed, 0),
    ...(typeof p.steps === 'number' ? { steps: p.steps } : {}),
    ...(typeof p.guidanceScale === 'number' ? { guidanceScale: p.guidanceScale } : {}),
  };
}

export function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
