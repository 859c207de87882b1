import Negotiator from 'negotiator';
import type { StoredRemovalOptions } from '@app/jobs';

/** Output types `POST /remove` can answer with directly (remove.bg style) when the client asks for them. */
const IMAGE_TYPES: Record<string, StoredRemovalOptions['format']> = { 'image/png': 'png', 'image/webp': 'webp', 'image/jpeg': 'jpg' };

/**
 * The image type the client prefers over JSON, if any. JSON stays the default: a client that lists no image type,
 * or ranks `application/json` (or a wildcard such as curl's `*\/*`) at least as high, gets JSON.
 */
export function preferredImageFormat(accept: string | undefined): StoredRemovalOptions['format'] | undefined {
  if (!accept) return undefined;
  const best = new Negotiator({ headers: { accept } }).mediaType(['application/json', ...Object.keys(IMAGE_TYPES)]);
  return best ? IMAGE_TYPES[best] : undefined;
}
