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

/**
 * Follows a batch through its server-sent event stream (GET /batch/:id/events, what the console uses) until `end`;
 * resolves with the last `progress` data (the batch without items). The server re-reads the batch only when one of
 * its queue jobs finishes, so following costs the API a dozen queries, not a poll every 100 ms.
 */
async function followBatch(base, user, id, timeoutMs = 30 * 60_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`batch ${id} did not finish within ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetch(`${base}/api/background-remover/batch/${id}/events`, { headers: user.auth, signal: controller.signal });
    if (res.status !== 200) throw new Error(`batch events: ${res.status} ${await res.text()}`);
    const decoder = new TextDecoder();
    let buffered = '';
    let last;
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'progress') last = JSON.parse(data);
        if (event === 'end') {
          controller.abort();
          return last;
        }
      }
    }
    throw new Error(`batch ${id}: event stream closed before its end (last: ${JSON.stringify(last)})`);
  } finally {
    clearTimeout(timer);
  }
}

module.exports = { register, form, postBatch, waitForBatch, followBatch };
