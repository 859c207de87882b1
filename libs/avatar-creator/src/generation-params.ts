import { randomInt } from 'node:crypto';
import type { AiModel } from '@app/prisma';
import { DEFAULT_GENERATION_SIDE, GENERATION_LIMITS } from './avatar-creator.constants';

/**
 * What the worker generates with, fixed when the request is accepted and stored in avatar_generations.params,
 * so retries (and the reconciler) reproduce exactly what was paid for. The API writes it, the worker reads it.
 */
export interface GenerationParams {
  width: number;
  height: number;
  seed: number;
  steps?: number;
  guidanceScale?: number;
  /** Size of the stored image, written by the worker when the generation succeeds. */
  output?: { width: number; height: number };
}

/** What a client may choose (validated by the API's DTO). */
export interface GenerationRequestParams {
  width?: number;
  height?: number;
  seed?: number;
}

/** Request values, else the catalogue row's defaults; a random seed when none was given. */
export function resolveGenerationParams(model: AiModel, dto: GenerationRequestParams): GenerationParams {
  const caps = capabilitiesOf(model);
  const params: GenerationParams = {
    width: dto.width ?? defaultSide(caps.width),
    height: dto.height ?? defaultSide(caps.height),
    seed: dto.seed ?? randomInt(0, GENERATION_LIMITS.maxSeed),
  };
  if (typeof caps.steps === 'number') params.steps = caps.steps;
  if (typeof caps.guidanceScale === 'number') params.guidanceScale = caps.guidanceScale;
  return params;
}

/** Reads stored params defensively (the column is JSON). */
export function readGenerationParams(value: unknown): GenerationParams {
  const p = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  return {
    width: num(p.width, DEFAULT_GENERATION_SIDE),
    height: num(p.height, DEFAULT_GENERATION_SIDE),
    seed: num(p.seed, 0),
    ...(typeof p.steps === 'number' ? { steps: p.steps } : {}),
    ...(typeof p.guidanceScale === 'number' ? { guidanceScale: p.guidanceScale } : {}),
    ...(isSize(p.output) ? { output: { width: p.output.width, height: p.output.height } } : {}),
  };
}

export function capabilitiesOf(model: Pick<AiModel, 'capabilities'>): Record<string, unknown> {
  return asObject(model.capabilities);
}

export function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A catalogue default clamped into the accepted bounds (and onto the 16-pixel grid). */
export function defaultSide(value: unknown): number {
  const { minSide, maxSide, sideMultiple } = GENERATION_LIMITS;
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_GENERATION_SIDE;
  const snapped = Math.round(value / sideMultiple) * sideMultiple;
  return Math.min(maxSide, Math.max(minSide, snapped));
}

function isSize(value: unknown): value is { width: number; height: number } {
  const v = value as { width?: unknown; height?: unknown } | null;
  return !!v && typeof v === 'object' && typeof v.width === 'number' && typeof v.height === 'number';
}
