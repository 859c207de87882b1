import type { AppConfig } from '@app/config';
import { ImageGenerationRequest, ProviderError } from '../ai-provider.types';

const MAX_PROMPT_CHARS = 4_000;

/**
 * Checks every generator applies before doing any work, so all providers fail the same way on bad input:
 * a permanent ProviderError (retrying cannot fix it).
 */
export function assertGenerationRequest(request: ImageGenerationRequest, config: AppConfig): void {
  const maxSide = Math.min(request.model.maxResolution ?? Infinity, config.IMAGE_MAX_DIMENSION);
  const bad = (why: string) => new ProviderError(`Invalid generation request: ${why}`, false);
  if (request.prompt.trim() === '') throw bad('the prompt is empty');
  if (request.prompt.length > MAX_PROMPT_CHARS) throw bad(`the prompt is longer than ${MAX_PROMPT_CHARS} characters`);
  for (const [name, value] of [
    ['width', request.width],
    ['height', request.height],
  ] as const) {
    if (!Number.isInteger(value) || value < 16 || value > maxSide) {
      throw bad(`${name} ${value} is not an integer between 16 and ${maxSide}`);
    }
  }
  if (request.width * request.height > config.IMAGE_MAX_PIXELS) throw bad('the image would have too many pixels');
  if (request.steps !== undefined && (!Number.isInteger(request.steps) || request.steps < 1 || request.steps > 200)) {
    throw bad(`steps ${request.steps} is not an integer between 1 and 200`);
  }
  if (request.guidanceScale !== undefined && !(request.guidanceScale >= 0 && request.guidanceScale <= 50)) {
    throw bad(`guidanceScale ${request.guidanceScale} is not between 0 and 50`);
  }
  if (request.seed !== undefined && !(Number.isSafeInteger(request.seed) && request.seed >= 0)) {
    throw bad(`seed ${request.seed} is not a non-negative integer`);
  }
}
