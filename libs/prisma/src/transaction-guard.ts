import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';

/**
 * Catches the pool deadlock a nested connection acquisition causes: code inside an interactive transaction that
 * queries through the root Prisma client (instead of `tx`) asks the pool for a SECOND connection while holding one.
 * With as many such requests as the pool has connections, every one waits for a connection none will release.
 *
 * The transaction's own queries run on the connection it already holds and never call `pool.connect()`, so any
 * `connect()` made from inside a transaction callback's async context is exactly that mistake.
 */
export type TransactionGuardMode = 'throw' | 'warn' | 'off';

interface TransactionScope {
  readonly startedAt: number;
  /** Run once the transaction has committed (see afterCommit); dropped on rollback. */
  readonly onCommit: (() => void)[];
}

const scope = new AsyncLocalStorage<TransactionScope>();
const logger = new Logger('TransactionGuard');

export class NestedConnectionError extends Error {
  constructor() {
    super(
      'A second database connection was requested inside an interactive transaction: query through the transaction ' +
        'client `tx`, not the root PrismaService (this pattern deadlocks the pool under load)',
    );
    this.name = 'NestedConnectionError';
  }
}

/**
 * Runs a transaction callback with the scope marker that the guarded pool checks. `onCommit` collects what
 * afterCommit() defers; the caller runs it once the transaction has committed.
 */
export function runInTransactionScope<R>(fn: () => R, onCommit: (() => void)[] = []): R {
  return scope.run({ startedAt: Date.now(), onCommit }, fn);
}

/**
 * Runs `effect` now, or, inside an interactive transaction, once it has committed (never if it rolls back): for
 * side effects that must only count what really happened, such as a metric of credits moved.
 */
export function afterCommit(effect: () => void): void {
  const current = scope.getStore();
  if (current) current.onCommit.push(effect);
  else effect();
}

export function insideTransaction(): boolean {
  return scope.getStore() !== undefined;
}

type ConnectCallback = (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void;

/** A pg Pool whose `connect()` (used by both `pool.query` and transactions) refuses or reports nested acquisitions. */
export function createGuardedPool(config: ConstructorParameters<typeof Pool>[0], mode: TransactionGuardMode): Pool {
  if (mode === 'off') return new Pool(config);
  class GuardedPool extends Pool {
    override connect(): Promise<PoolClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
      if (insideTransaction()) {
        const err = new NestedConnectionError();
        if (mode === 'throw') {
          if (!callback) return Promise.reject(err);
          process.nextTick(() => callback(err, undefined, () => undefined));
          return;
        }
        logger.error({ err }, err.message);
      }
      return callback ? super.connect(callback) : super.connect();
    }
  }
  return new GuardedPool(config);
}
