import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the bundled model lives, relative to the repository (or image) root. See its NOTICE.md. */
export const SELFIE_MODEL_RELATIVE_PATH = 'libs/ai-providers/assets/selfie-segmentation/selfie-segmentation.onnx';

/**
 * The bundled person model, found by walking up from this file: the same answer from the sources (vitest),
 * from dist/libs/… after `nest build`, and in the Docker image (which copies libs/ai-providers/assets).
 * Undefined when the file is absent: the remover then stays classical-only.
 */
export function findSelfieModelFile(start: string = __dirname): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, SELFIE_MODEL_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
