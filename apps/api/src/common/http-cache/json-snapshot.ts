import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Public catalogues change on deploys or by an operator: shared caches may keep them briefly, then revalidate. */
export const PUBLIC_CATALOGUE_CACHE = 'public, max-age=30';

/** A JSON body serialised (and UTF-8 encoded) once, with its strong validator. */
export interface JsonSnapshot {
  readonly body: Buffer;
  readonly etag: string;
}

export function jsonSnapshot(value: unknown): JsonSnapshot {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Keeps the snapshot of whatever `source` last produced: re-serialised only when the source hands back a different
 * object (e.g. a catalogue cache that refreshed), so repeated reads cost no JSON work at all.
 */
export class SnapshotCache<S> {
  private last: { source: S; snapshot: JsonSnapshot } | null = null;

  constructor(private readonly render: (source: S) => unknown) {}

  of(source: S): JsonSnapshot {
    if (this.last?.source !== source) this.last = { source, snapshot: jsonSnapshot(this.render(source)) };
    return this.last.snapshot;
  }
}

/** RFC 9110 §13.1.2: `*`, or a list of entity tags compared weakly (a `W/` prefix is ignored). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return (t.startsWith('W/') ? t.slice(2) : t) === etag;
  });
}

/**
 * Sends the snapshot with its `ETag` and `Cache-Control`, or `304 Not Modified` (no body) when the client already has
 * it. `cacheControl` e.g. `public, max-age=30` for a public catalogue, `private, no-cache` for a per-user one.
 */
export function sendSnapshot(request: FastifyRequest, reply: FastifyReply, snapshot: JsonSnapshot, cacheControl: string): void {
  void reply.header('etag', snapshot.etag).header('cache-control', cacheControl);
  if (ifNoneMatchHits(request.headers['if-none-match'], snapshot.etag)) {
    void reply.code(304).send();
    return;
  }
  void reply.header('content-type', 'application/json; charset=utf-8').send(snapshot.body);
}
