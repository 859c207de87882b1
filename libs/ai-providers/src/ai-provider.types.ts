import { DomainError, ErrorCode } from '@app/common';
import type { ImageSource } from '@app/images';

/** The catalogue fields a provider needs (a subset of the ai_models row). */
export interface CatalogModel {
  modelKey: string;
  appId: string;
  /** Provider named by the catalogue: "huggingface" | "onnx" | "embedded". */
  provider: string;
  providerModel: string;
  capabilities: Record<string, unknown>;
  maxResolution: number | null;
}

/** A single-channel alpha mask (0 = background, 255 = subject), row-major, `width * height` bytes. */
export interface AlphaMask {
  data: Buffer;
  width: number;
  height: number;
}

export interface BackgroundRemovalRequest {
  /**
   * The input image, EXIF orientation already applied: encoded bytes (JPEG/PNG/WebP), or the pixels the worker already
   * decoded (ImagesService.decode) — hand it to ImagesService, whose steps accept either without decoding twice.
   */
  image: ImageSource;
  model: CatalogModel;
  signal?: AbortSignal;
}

/** Image → alpha mask. The caller applies the mask and encodes the output (libs/images). */
export interface BackgroundRemover {
  readonly providerId: string;
  removeBackground(request: BackgroundRemovalRequest): Promise<AlphaMask>;
}

export interface ImageGenerationRequest {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  steps?: number;
  guidanceScale?: number;
  seed?: number;
  model: CatalogModel;
  signal?: AbortSignal;
}

export interface GeneratedImage {
  /** Encoded image bytes (untrusted until validated by ImagesService.decodeProviderOutput). */
  data: Buffer;
}

/** Prompt → image. */
export interface ImageGenerator {
  readonly providerId: string;
  generate(request: ImageGenerationRequest): Promise<GeneratedImage>;
}

/** Whether a provider can serve a model here (key present, model file present, ...). */
export interface ProviderAvailability {
  available: boolean;
  detail: string;
  /** The exact fix when the provider knows it (e.g. `npm run models -- pull u2netp`); readiness prints it. */
  remedy?: string;
}

/**
 * A provider call failed. `transient` failures (503 loading, 429, 5xx, network, timeout) may succeed later;
 * permanent ones (4xx, bad input, malformed output) never will, so they must not be retried.
 */
export class ProviderError extends DomainError {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly extra: { status?: number; retryAfterMs?: number; providerRequestId?: string } = {},
  ) {
    super((transient ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_ERROR') satisfies ErrorCode, message);
    this.name = 'ProviderError';
  }
}

/**
 * What a user is told about a provider failure: our own words and the HTTP status, never the provider's text (which
 * can quote internals, prompts or URLs). The raw error goes to the logs with the job id.
 */
export function providerFailureMessage(err: ProviderError): string {
  const status = err.extra.status ? ` (HTTP ${err.extra.status})` : '';
  return err.transient
    ? `The AI provider was unavailable${status}; try again later`
    : `The AI provider refused the input${status}`;
}

/** Providers this build implements. Catalogue rows and AI_PROVIDER_MAP name them. */
export const PROVIDER_IDS = ['huggingface', 'onnx', 'embedded'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

/** What a catalogue row asks of its provider, derived from the row's app. */
export type ModelCapability = 'background-removal' | 'image-generation';

/** Every provider instance can say whether it can serve a model here, without calling out. */
export interface AvailabilityCheck {
  availability(model: CatalogModel): Promise<ProviderAvailability>;
}

/** Per-model answer for readiness, `doctor` and `/models`: who serves it, and can it. */
export interface ModelAvailability extends ProviderAvailability {
  /** The provider that will actually run the model after the deployment mapping. */
  providerId: string;
  /** The provider the catalogue names. */
  catalogProvider: string;
  /** True when the embedded default stands in for another provider: results are NOT the real model's. */
  substitute: boolean;
}
