'use strict';
/**
 * Credit contention: 1,000 concurrent charges on one wallet worth K charges. Exactly K succeed, the balance equals
 * the ledger sum; reports charges/s. Baseline (same run): 1,000 sequential charges on an ample wallet.
 */
const { randomUUID } = require('node:crypto');
const { benchEnv, prepareDatabase, dropDatabase, report, ROOT } = require('./lib');

async function main() {
  const env = benchEnv('credits');
  prepareDatabase(env);
  Object.assign(process.env, env);
  const { parseConfig } = require(`${ROOT}/dist/libs/config/src`);
  const { PrismaService } = require(`${ROOT}/dist/libs/prisma/src`);
  const { CreditsService } = require(`${ROOT}/dist/libs/credits/src`);
  const prisma = new PrismaService(parseConfig(env));
  const credits = new CreditsService(prisma);
  const N = Number(process.env.BENCH_CHARGES ?? 1000);
  const K = Number(process.env.BENCH_AFFORDABLE ?? 600);
  try {
    const makeUser = async (balance) => {
      const id = randomUUID();
      await prisma.user.create({ data: { id, email: `${id}@bench.local`, passwordHash: 'x', creditBalance: 0 } });
      await credits.grant(id, balance, { referenceType: 'bench', referenceId: randomUUID() });
      return id;
    };
    const sequentialUser = await makeUser(N);
    let t = performance.now();
    for (let i = 0; i < N; i++) await credits.charge(sequentialUser, 1, { referenceType: 'bench', referenceId: randomUUID() });
    const sequentialMs = performance.now() - t;

    const user = await makeUser(K);
    t = performance.now();
    const results = await Promise.allSettled(Array.from({ length: N }, () => credits.charge(user, 1, { referenceType: 'bench', referenceId: randomUUID() })));
    const concurrentMs = performance.now() - t;
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && r.reason?.code === 'INSUFFICIENT_CREDITS').length;
    const balance = (await prisma.user.findUniqueOrThrow({ where: { id: user } })).creditBalance;
    const ledger = (await prisma.creditTransaction.aggregate({ where: { userId: user }, _sum: { amount: true } }))._sum.amount;
    const correct = ok === K && refused === N - K && balance === 0 && ledger === balance;
    report(
      'credit-contention',
      [
        { run: `sequential ${N} charges (baseline)`, chargesPerSec: Math.round((N / sequentialMs) * 1000), ratio: 1 },
        {
          run: `${N} concurrent charges, wallet worth ${K}`,
          chargesPerSec: Math.round((N / concurrentMs) * 1000),
          ratio: +((N / concurrentMs) / (N / sequentialMs)).toFixed(2),
          succeeded: ok,
          refused,
          balance,
          ledgerSum: ledger,
          correct,
        },
      ],
      { poolSize: Number(env.DATABASE_POOL_SIZE ?? 10) },
    );
    if (!correct) process.exitCode = 1;
  } finally {
    await prisma.$disconnect();
    dropDatabase(env);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
