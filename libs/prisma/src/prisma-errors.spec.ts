import { describe, expect, it } from 'vitest';
import { mapPrismaError } from './prisma-errors';
import { Prisma } from './generated/client';

const known = (code: string, message = 'x') => new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: 'test' });

describe('mapPrismaError', () => {
  it('maps pool saturation to 503 DATABASE_BUSY, not a 500', () => {
    // pg-pool's own error when no connection frees up within connectionTimeoutMillis.
    expect(mapPrismaError(new Error('timeout exceeded when trying to connect'))?.code).toBe('DATABASE_BUSY');
    // Prisma's interactive-transaction API: no connection within maxWait / transaction expired.
    expect(mapPrismaError(known('P2028', 'Transaction API error: Unable to start a transaction in the given time.'))?.code).toBe('DATABASE_BUSY');
  });

  it('maps PostgreSQL data exceptions caused by client values to 400', () => {
    for (const code of ['22021', '22P02', '22007', '22008', '22003', '22001']) {
      const err = new Prisma.PrismaClientKnownRequestError('x', {
        code: 'P2039',
        clientVersion: 'test',
        meta: { driverAdapterError: { cause: { originalCode: code } } },
      });
      expect(mapPrismaError(err)?.code, code).toBe('BAD_REQUEST');
    }
  });

  it('keeps the other mappings', () => {
    expect(mapPrismaError(known('P2021'))?.code).toBe('SCHEMA_NOT_MIGRATED');
    expect(mapPrismaError(known('P2002'))?.code).toBe('CONFLICT');
    expect(mapPrismaError(known('P2025'))?.code).toBe('NOT_FOUND');
    expect(mapPrismaError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))?.code).toBe('DATABASE_UNAVAILABLE');
    expect(mapPrismaError(new Error('something else'))).toBeUndefined();
  });
});
