'use strict';
// `npm run bench`: every benchmark in sequence (each prints its table and writes bench/results/<name>.json).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const BENCHES = ['http-overhead', 'credit-contention', 'single-latency', 'pipeline-overhead', 'upload-memory', 'worker-scaling', 'paid-burst', 'metrics-hook'];
let failed = 0;
for (const name of BENCHES) {
  try {
    execFileSync(process.execPath, [join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  } catch {
    failed++;
    console.error(`benchmark ${name} failed`);
  }
}
process.exit(failed ? 1 : 0);
