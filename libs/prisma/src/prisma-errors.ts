import { DomainError } from '@app/common';
import { Prisma } from './generated/client';

const CONNECTION_ERROR_CODES = new Set(['P1000', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const PG_CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003']);

/**
 * PostgreSQL data exceptions caused by a value the client sent: NUL in text (22021), bad uuid/number syntax (22P02),
 * bad or out-of-range date/time (22007/22008), numeric out of range (22003), too long for the column (22001).
 * Validation should stop these first; if one slips through it is still the request's fault: 400, not 500.
 */
const PG_DATA_ERRORS = new Set(['22021', '22P02', '22007', '22008', '22003', '22001']);

const schemaNotMigrated = () =>
  new DomainError('SCHEMA_NOT_MIGRATED', 'The database schema is not migrated; run `npm run db:deploy`');
const databaseUnavailable = () => new DomainError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly');
const databaseBusy = () => new DomainError('DATABASE_BUSY', 'The service is busy; retry after the time in Retry-After');

/**
 * Maps Prisma / driver errors to domain errors, or returns undefined for anything unknown (→ 500).
 * P2021/P2022 (table/column missing) mean migrations were not applied: 503 SCHEMA_NOT_MIGRATED, not a 500.
 */
export function mapPrismaError(err: unknown): DomainError | undefined {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    switch (err.code) {
      case 'P2021':
      case 'P2022':
        return schemaNotMigrated();
      case 'P2002':
        return new DomainError('CONFLICT', 'A record with these values already exists');
      case 'P2025':
        return new DomainError('NOT_FOUND', 'Record not found');
      case 'P2028':
        // Transaction API: no connection within maxWait, or the transaction outlived its timeout — saturation.
        return databaseBusy();
      default:
        if (PG_DATA_ERRORS.has(driverAdapterCode(err) ?? '')) {
          return new DomainError('BAD_REQUEST', 'A value in the request cannot be stored (invalid characters, format or range)');
        }
        // Prisma 7 driver adapters report a lost connection (e.g. 57P01, backend terminated) as a request error
        // (P2010 raw, P2039 model query …) carrying the PostgreSQL code in meta.driverAdapterError.
        return CONNECTION_ERROR_CODES.has(err.code) || PG_CONNECTION_ERRORS.has(driverAdapterCode(err) ?? '') ? databaseUnavailable() : undefined;
    }
  }
  if (err instanceof Prisma.PrismaClientInitializationError) return databaseUnavailable();
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  for (const code of [e?.code, e?.cause?.code]) {
    if (typeof code === 'string' && PG_CONNECTION_ERRORS.has(code)) return databaseUnavailable();
  }
  // pg-pool: no connection became free within connectionTimeoutMillis (the pool is saturated, not the database down).
  if (err instanceof Error && /^timeout exceeded when trying to connect/.test(err.message)) return databaseBusy();
  // node-postgres errors without a code: a connection that dropped mid-query, or a pooled client that already had.
  if (err instanceof Error && /^(Connection terminated unexpectedly|Client has encountered a connection error and is not queryable)/.test(err.message)) {
    return databaseUnavailable();
  }
  if (err instanceof Error && /relation .* does not exist|column .* does not exist/i.test(err.message)) {
    return schemaNotMigrated();
  }
  return undefined;
}

function driverAdapterCode(err: InstanceType<typeof Prisma.PrismaClientKnownRequestError>): string | undefined {
  const cause = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause;
  return typeof cause?.originalCode === 'string' ? cause.originalCode : undefined;
}

/** True when the error is a unique-constraint violation (Prisma P2002 or raw Postgres 23505). */
export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return true;
    // Raw queries (P2010) carry the driver adapter's classification.
    const cause = (err.meta as { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } | undefined)
      ?.driverAdapterError?.cause;
    if (err.code === 'P2010') return cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === '23505';
  }
  return false;
}
