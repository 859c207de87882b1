'use strict';
/** Minimal client for the benchmarks: register, grant credits (CLI), multipart uploads, polling. */
const { execFileSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { ROOT, sleep } = require('./lib');

async function register(base, env) {
  const email = `bench-${randomUUID()}@bench.local`;
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench password 123' }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const body = await res.json();
  execFileSync('node', ['dist/apps/cli/src/main.js', 'grant-credits', '--email', email, '--amount', '1000000', '--reason', 'benchmark'], { cwd: ROOT, env, stdio: 'pipe' });
  return { email, auth: { authorization: `Bearer ${body.accessToken}` } };
}

function form(fields, files) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append(f.field, new Blob([f.data], { type: f.type ?? 'image/jpeg' }), f.filename);
  return fd;
}

async function postBatch(base, user, images, tier = 'basic') {
  const res = await fetch(`${base}/api/background-remover/batch`, {
    method: 'POST',
    headers: user.auth,
    body: form({ tier }, images.map((data, i) => ({ field: 'images', filename: `img-${i}.jpg`, data }))),
  });
  if (res.status !== 202) throw new Error(`batch: ${res.status} ${await res.text()}`);
  return res.json();
}

async function waitForBatch(base, user, id, timeoutMs = 30 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${base}/api/background-remover/batch/${id}`, { headers: user.auth });
    const batch = await res.json();
    if (['COMPLETED', 'PARTIAL', 'FAILED'].includes(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} did not finish: ${batch.status} ${batch.succeededItems}/${batch.totalItems}`);
    await sleep(100);
  }
}

module.exports = { register, form, postBatch, waitForBatch };
