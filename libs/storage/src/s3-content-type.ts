/** Types for what this product stores; anything else is served as opaque bytes (with nosniff). */
const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  avif: 'image/avif',
  heic: 'image/heic',
  gif: 'image/gif',
  zip: 'application/zip',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

export const OCTET_STREAM = 'application/octet-stream';

/**
 * Content type by the key's extension, like the local driver's static server. S3 objects get it at upload when the
 * caller gave none, so a redirect to the bucket serves the same type the API would.
 */
export function contentTypeForKey(key: string): string {
  const dot = key.lastIndexOf('.');
  const ext = dot > key.lastIndexOf('/') ? key.slice(dot + 1).toLowerCase() : '';
  return BY_EXTENSION[ext] ?? OCTET_STREAM;
}
