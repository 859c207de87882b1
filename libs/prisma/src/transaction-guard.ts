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
 *
 * Knowing that async context takes an AsyncLocalStorage, and on Node 20 the first `run()` of one turns on promise hooks
 * for the whole process: every promise after it costs more (a fifth of a simple route's throughput). So the guard is
 * for development and tests (`throw`, where the suites catch the mistake), and `off` in production by default.
 */
export type TransactionGuardMode = 'throw' | 'warn' | 'off';

const scope = new AsyncLocalStorage<true>();
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

/** Runs a transaction callback with the scope marker that the guarded pool checks. */
export function runInTransactionScope<R>(fn: () => R): R {
  return scope.run(true, fn);
}

export function insideTransaction(): boolean {
  return scope.getStore() !== undefined;
}

/** What afterCommit() deferred, by the transaction client it was given (PrismaService.$transaction fills it). */
const commitEffects = new WeakMap<object, (() => void)[]>();

/** Called by PrismaService.$transaction: effects deferred on `tx` go to `effects`, which it runs after the commit. */
export function collectCommitEffects(tx: object, effects: (() => void)[]): void {
  commitEffects.set(tx, effects);
}

/**
 * Runs `effect` once `db`'s transaction has committed (never if it rolls back), or now when `db` is not a transaction
 * client: for side effects that must only count what really happened, such as a metric of credits moved.
 */
export function afterCommit(db: object, effect: () => void): void {
  const pending = commitEffects.get(db);
  if (pending) pending.push(effect);
  else effect();
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
