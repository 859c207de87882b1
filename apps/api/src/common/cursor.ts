import { CursorPosition, DomainError, decodeCursor } from '@app/common';

/** Decodes a client cursor, or 400 when it was tampered with. */
export function parseCursor(cursor: string | undefined): CursorPosition | null {
  if (!cursor) return null;
  const pos = decodeCursor(cursor);
  if (!pos) throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', { fields: [{ field: 'cursor', errors: ['cursor is not valid'] }] });
  return pos;
}
