import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm run build` (scripts/build-console.js) puts the console page, relative to the repository/image root. */
export const CONSOLE_BUILD_RELATIVE_PATH = 'dist/console';

/** The URL the console is served at: outside the /api prefix, and not part of the API (nor its OpenAPI document). */
export const CONSOLE_PATH = '/console';

/**
 * The built console, found by walking up from this file: the same answer from the sources (vitest), from
 * dist/apps/api/… after `nest build`, and in the Docker image (which copies dist/). Undefined when not built.
 */
export function findConsoleRoot(start: string = __dirname): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, CONSOLE_BUILD_RELATIVE_PATH);
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
