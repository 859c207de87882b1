import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './pagination';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor', () => {
  it('round-trips a real position', () => {
    const pos = { createdAt: new Date('2026-11-30T10:00:00.123Z'), id: '0b7c2a9e-5d1f-4c1e-9a53-3f2d1e0c9b8a' };
    expect(decodeCursor(encodeCursor(pos))).toEqual(pos);
  });

  it.each([
    ['an id of 36 dashes', raw(['2026-11-30T10:00:00.000Z', '-'.repeat(36)])],
    ['an id of hex without dashes', raw(['2026-11-30T10:00:00.000Z', 'a'.repeat(36)])],
    ['an extreme date', raw(['+275760-09-13T00:00:00.000Z', '0b7c2a9e-5d1f-4c1e-9a53-3f2d1e0c9b8a'])],
    ['a year-0 date', raw(['0000-01-01T00:00:00.000Z', '0b7c2a9e-5d1f-4c1e-9a53-3f2d1e0c9b8a'])],
    ['not a date', raw(['yesterday', '0b7c2a9e-5d1f-4c1e-9a53-3f2d1e0c9b8a'])],
    ['the wrong shape', raw({ a: 1 })],
    ['not base64 JSON', '!!!'],
    ['an oversized cursor', 'a'.repeat(500)],
  ])('rejects %s', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
