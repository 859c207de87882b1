import { DomainError } from './domain-error';

/** Opaque cursor over (createdAt DESC, id DESC) lists: stable under inserts, no OFFSET scans. */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(JSON.stringify([pos.createdAt.toISOString(), pos.id])).toString('base64url');
}

/** RFC 4122 layout (any version): the database column is a uuid, so anything else must never reach a query. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** PostgreSQL timestamptz holds years 4713 BC–294276 AD; our rows are from this millennium. */
const MIN_CURSOR_TIME = Date.UTC(2000, 0, 1);
const MAX_CURSOR_TIME = Date.UTC(3000, 0, 1);

export function decodeCursor(cursor: string): CursorPosition | null {
  if (cursor.length > 200) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string') return null;
    const createdAt = new Date(at);
    const time = createdAt.getTime();
    if (Number.isNaN(time) || time < MIN_CURSOR_TIME || time > MAX_CURSOR_TIME || !UUID.test(id)) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

/** Decodes a client cursor (absent → first page), or 400 VALIDATION_FAILED when it was tampered with. */
export function parseCursor(cursor: string | undefined): CursorPosition | null {
  if (!cursor) return null;
  const pos = decodeCursor(cursor);
  if (!pos) throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', { fields: [{ field: 'cursor', errors: ['cursor is not valid'] }] });
  return pos;
}

/** Which page a caller wants: the opaque cursor from the previous page (`nextCursor`), and its size. */
export interface PageRequest {
  cursor?: string;
  limit: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The same page with each item mapped (e.g. rows to response DTOs). */
export function mapPage<T, D>(page: Page<T>, map: (item: T) => D): Page<D> {
  return { items: page.items.map(map), nextCursor: page.nextCursor };
}

/** Builds a page from `limit + 1` rows fetched in (createdAt DESC, id DESC) order. */
export function toPage<T extends CursorPosition>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** Prisma `where` fragment selecting rows strictly after the cursor in (createdAt DESC, id DESC) order. */
export function afterCursor(pos: CursorPosition | null) {
  if (!pos) return {};
  return {
    OR: [{ createdAt: { lt: pos.createdAt } }, { createdAt: pos.createdAt, id: { lt: pos.id } }],
  };
}
