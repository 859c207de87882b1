import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment, ManagedProcess, sleep, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { balanceOf, ledgerMismatches, LiveClient, LiveUser } from '../support/live-http';
import { MultipartFile } from '../support/multipart';
import { expectNoSecretsInLogs } from './secrets';

/**
 * Scenario 1: kill -9 the worker mid-batch, three times, restarting it each time. Every item must end SUCCEEDED, or
 * FAILED and refunded exactly once; one CHARGE per batch; balance == sum(ledger) for every user.
 */
const ITEMS = 14;
const KILLS = 3;

describe('kill -9 the worker mid-batch (3 times)', () => {
  const dep = new Deployment('kill9', { env: { RECONCILE_INTERVAL_SECONDS: '2', RECONCILE_GRACE_SECONDS: '3' } });
  let api: Awaited<ReturnType<Deployment['startApi']>>;
  let http: LiveClient;
  let db: Client;
  const users: LiveUser[] = [];
  const batchIds: string[] = [];
  let worker: ManagedProcess;

  beforeAll(async () => {
    await dep.createDatabase();
    api = await dep.startApi();
    http = new LiveClient(api.baseUrl);
    db = await dep.db();
  });
  afterAll(async () => {
    await db?.end();
    await dep.destroy();
  });

  it('settles every item exactly once across three SIGKILLs', async () => {
    const started = Date.now();
    // Two users, one batch each (so the ledger check is per user), submitted while no worker runs.
    for (let u = 0; u < 2; u++) {
      const user = await http.register('kill9');
      users.push(user);
      const files: MultipartFile[] = [];
      for (let i = 0; i < ITEMS; i++) files.push({ field: 'images', filename: `u${u}-${i}.jpg`, contentType: 'image/jpeg', data: await productPhoto(640 + i * 4, 480) });
      const res = await http.multipart('/api/background-remover/batch', { tier: 'basic' }, files, { token: user.token });
      expect(res.status, res.text).toBe(202);
      batchIds.push(res.body.id);
    }
    // Fault injection: the last item of each batch loses its input, so it fails in the worker and must be refunded.
    const lost = await db.query<{ id: string; input_key: string }>(
      `SELECT DISTINCT ON (batch_id) id, input_key FROM background_removal_jobs WHERE batch_id = ANY($1::uuid[]) ORDER BY batch_id, created_at DESC, id DESC`,
      [batchIds],
    );
    expect(lost.rows).toHaveLength(2);
    for (const row of lost.rows) rmSync(join(dep.env.STORAGE_ROOT!, 'private', row.input_key));

    const interrupted: string[] = [];
    const timeline: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const since = (await db.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
      worker = await dep.startWorker();
      // Kill while a removal is in flight: an item THIS worker moved to PROCESSING (not one a killed worker left
      // behind), a little after it started, so the kill lands inside the image pipeline.
      const inFlight = await waitFor(
        `a removal in flight before kill ${k + 1}`,
        async () =>
          (
            await db.query<{ id: string }>(
              `SELECT id FROM background_removal_jobs WHERE status = 'PROCESSING' AND updated_at > $2 AND batch_id = ANY($1::uuid[])`,
              [batchIds, since],
            )
          ).rows[0],
        60_000,
        10,
      );
      await sleep(40 + k * 30);
      worker.signal('SIGKILL');
      timeline.push(`kill ${k + 1} at ${Date.now() - started} ms`);
      const exit = await worker.exited;
      expect(exit.signal).toBe('SIGKILL');
      interrupted.push(inFlight.id);
      const open = await db.query(`SELECT count(*)::int AS n FROM background_removal_jobs WHERE status IN ('QUEUED','PROCESSING') AND batch_id = ANY($1::uuid[])`, [batchIds]);
      expect(open.rows[0].n, `kill ${k + 1} must happen mid-batch`).toBeGreaterThan(0);
      await sleep(300);
    }

    // A last worker recovers everything: BullMQ stalled-job recovery (lock expiry) and the reconciler.
    worker = await dep.startWorker();
    const final = await waitFor(
      'both batches to reach a final status',
      async () => {
        const { rows } = await db.query(`SELECT id, status FROM background_removal_batches WHERE id = ANY($1::uuid[])`, [batchIds]);
        return rows.every((r) => ['COMPLETED', 'PARTIAL', 'FAILED'].includes(r.status)) ? rows : undefined;
      },
      150_000,
      500,
    );
    const recoveredAfterMs = Date.now() - started;

    const jobs = await db.query<{ id: string; user_id: string; batch_id: string; status: string; credit_charged: number; attempts: number; error_code: string | null }>(
      `SELECT id, user_id, batch_id, status, credit_charged, attempts, error_code FROM background_removal_jobs WHERE batch_id = ANY($1::uuid[])`,
      [batchIds],
    );
    expect(jobs.rows).toHaveLength(ITEMS * 2);
    for (const job of jobs.rows) expect(['SUCCEEDED', 'FAILED'], job.id).toContain(job.status);
    const failed = jobs.rows.filter((j) => j.status === 'FAILED');
    // Exactly the two items whose input was removed failed; every other item succeeded despite the kills.
    expect(failed.map((j) => j.id).sort()).toEqual(lost.rows.map((r) => r.id).sort());
    for (const f of failed) expect(f.error_code).toBe('NOT_FOUND');
    // At least one kill really interrupted a running item, which then ran again.
    const rerun = jobs.rows.filter((j) => interrupted.includes(j.id) && j.attempts >= 2);
    expect(rerun.length, `interrupted=${interrupted.join(',')}`).toBeGreaterThan(0);

    for (const batchId of batchIds) {
      const [batch] = (await db.query(`SELECT * FROM background_removal_batches WHERE id = $1`, [batchId])).rows;
      const items = jobs.rows.filter((j) => j.batch_id === batchId);
      const failedItems = items.filter((j) => j.status === 'FAILED');
      expect(batch.succeeded_items + batch.failed_items).toBe(ITEMS);
      expect(batch.failed_items).toBe(failedItems.length);
      expect(batch.status).toBe(failedItems.length ? 'PARTIAL' : 'COMPLETED');
      expect(batch.zip_url).toBeTruthy();

      // Ledger: one CHARGE for the batch, no per-item charge, one REFUND per failed item and no other refund.
      const charges = await db.query(`SELECT amount, reference_type, reference_id FROM credit_transactions WHERE kind = 'CHARGE' AND user_id = $1`, [batch.user_id]);
      expect(charges.rows).toEqual([{ amount: -batch.credit_charged, reference_type: 'bg_removal_batch', reference_id: batchId }]);
      const refunds = await db.query(`SELECT amount, reference_type, reference_id FROM credit_transactions WHERE kind = 'REFUND' AND user_id = $1`, [batch.user_id]);
      expect(refunds.rows.map((r) => r.reference_id).sort()).toEqual(failedItems.map((j) => j.id).sort());
      for (const r of refunds.rows) {
        expect(r.reference_type).toBe('bg_removal_job');
        expect(r.amount).toBe(items.find((j) => j.id === r.reference_id)!.credit_charged);
      }
      const refunded = failedItems.reduce((s, j) => s + j.credit_charged, 0);
      expect(batch.credit_refunded).toBe(refunded);
      expect(await balanceOf(db, batch.user_id)).toBe(100 - batch.credit_charged + refunded);
    }
    expect(await ledgerMismatches(db)).toEqual([]);
    const perItem = (await db.query(`SELECT avg(processing_ms)::int AS avg FROM background_removal_jobs WHERE batch_id = ANY($1::uuid[]) AND status = 'SUCCEEDED'`, [batchIds])).rows[0].avg;
    console.log(`[worker-kill] ${timeline.join(', ')}; ${final.length} batches settled ${recoveredAfterMs} ms after submit; re-run items: ${rerun.length}/${KILLS}; avg ${perItem} ms/item`);

    // Nothing left behind in the queue: no active or waiting removal job once everything settled.
    const counts = await waitFor('an idle background-removal queue', async () => {
      const res = await http.get('/api/health/ready');
      return res.status === 200 ? res.body : undefined;
    }, 30_000);
    expect(counts.ready).toBe(true);
  });

  it('wrote no bearer token or password to the logs', async () => {
    // Every process stopped first, so every line it logged is written (lines reach stdout in batches).
    await Promise.all(dep.processes.map((p) => p.stop('SIGTERM')));
    expectNoSecretsInLogs(dep.logs(), users);
  });
});
