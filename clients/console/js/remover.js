import { newIdempotencyKey, unwrap } from '../vendor/lumiku-client/index.js';
import { $, busy, describeError, figure, h, show } from './dom.js';
import { client, refreshProfile } from './session.js';

const WAIT_SECONDS = 20;
let files = [];

export function initRemover() {
  const drop = $('#drop');
  const input = $('#files');
  input.addEventListener('change', () => setFiles([...input.files]));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    setFiles([...event.dataTransfer.files].filter((f) => f.type.startsWith('image/')));
  });
  $('#tier').addEventListener('change', () => void quote());
  $('#size').addEventListener('change', () => void quote());
  $('#remove-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!files.length) return show('Choose at least one image first');
    const chosen = files;
    void busy($('#remove-submit'), () => (chosen.length === 1 ? removeOne(chosen[0]) : removeMany(chosen)));
  });
  void loadTiers();
}

async function loadTiers() {
  try {
    const { tiers } = unwrap(await client.api.GET('/api/background-remover/pricing'));
    $('#tier').replaceChildren(...tiers.map((t) => h('option', { value: t.tier }, `${t.name} — ${t.credits} credits, preview ${t.previewCredits} (up to ${t.maxResolution}px)`)));
  } catch (err) {
    show(describeError(err));
  }
}

function setFiles(list) {
  files = list;
  $('#file-list').textContent = list.length ? list.map((f) => f.name).join(', ') : '';
  $('#remove-submit').textContent = list.length > 1 ? `Remove ${list.length} backgrounds (batch)` : 'Remove background';
  void quote();
}

async function quote() {
  if (!files.length || !client.token) return ($('#quote').textContent = '');
  try {
    const q = unwrap(await client.api.POST('/api/background-remover/pricing/calculate', { body: { tier: $('#tier').value, size: $('#size').value, imageCount: files.length } }));
    $('#quote').textContent = q.coveredBySubscription
      ? 'Covered by your subscription'
      : `${q.imageCount} × ${q.unitPrice} credits${q.discountPct ? ` − ${q.discountPct}%` : ''} = ${q.total} credits`;
  } catch (err) {
    $('#quote').textContent = describeError(err);
  }
}

function options() {
  const form = $('#remove-form');
  return {
    tier: form.tier.value,
    size: form.size.value,
    format: form.format.value,
    ...(form.useBg.checked ? { bgColor: form.bgColor.value } : {}),
    ...(form.crop.checked ? { crop: true } : {}),
    ...(form.maskOnly.checked ? { maskOnly: true } : {}),
    test: form.test.checked,
    // One key per click: a retry of this same submission is never charged twice.
    idempotencyKey: newIdempotencyKey(),
  };
}

async function removeOne(file) {
  const status = h('p', { class: 'muted' }, 'Uploading…');
  const result = h('figure', {}, h('figcaption', {}, 'Cut-out'));
  const card = h('div', { class: 'card stack', 'data-testid': 'result' }, h('h3', {}, file.name), status, h('div', { class: 'pair' }, figure(URL.createObjectURL(file), 'Original'), result));
  $('#results').prepend(card);
  const accepted = await client.removeBackground(file, { ...options(), wait: WAIT_SECONDS });
  status.textContent = `${accepted.creditsCharged} credits charged, ${accepted.creditsRemaining} left. ${accepted.status === 202 ? 'Still working…' : ''}`;
  const job = accepted.status === 202 ? await client.waitForJob(accepted.result.id) : accepted.result;
  await refreshProfile();
  if (job.status !== 'SUCCEEDED') {
    status.textContent = `Failed: ${job.errorMessage ?? job.errorCode ?? job.status} (refunded)`;
    status.className = 'status-FAILED';
    return;
  }
  const url = client.url(job.outputUrl);
  result.prepend(h('img', { src: url, alt: 'Cut-out', class: 'checker', 'data-testid': 'cutout' }));
  result.querySelector('figcaption').replaceChildren('Cut-out · ', h('a', { href: url, download: '' }, 'download'));
  status.textContent = `Done: ${job.width}×${job.height} input, paid with ${job.paidWith === 'CREDITS' ? `${job.creditCharged} credits` : job.paidWith.toLowerCase()}`;
}

async function removeMany(chosen) {
  const originals = new Map(chosen.map((f) => [f.name, URL.createObjectURL(f)]));
  const bar = h('progress', { max: chosen.length, value: 0, 'data-testid': 'batch-progress' });
  const status = h('p', { class: 'muted' }, 'Uploading…');
  const grid = h('div', { class: 'grid' });
  const card = h('div', { class: 'card stack', 'data-testid': 'batch' }, h('h3', {}, `Batch of ${chosen.length}`), bar, status, grid);
  $('#results').prepend(card);

  const accepted = await client.createBatch(chosen, options());
  const id = accepted.result.id;
  status.textContent = `${accepted.creditsCharged} credits charged for ${chosen.length} images. Queued…`;
  await refreshProfile();
  try {
    for await (const event of client.batchEvents(id)) {
      if (event.type !== 'progress') continue;
      const b = event.batch;
      bar.value = b.succeededItems + b.failedItems;
      status.textContent = `${b.status.toLowerCase()}: ${b.succeededItems} done, ${b.failedItems} failed, ${b.pendingItems} to go${b.queueDepth ? ` (queue depth ${b.queueDepth})` : ''}`;
    }
  } catch (err) {
    // Live updates are a nicety (e.g. too many open streams → 429): fall back to polling.
    status.textContent = `Live updates unavailable (${describeError(err)}); polling…`;
    await client.waitForBatch(id);
  }
  const batch = await client.getBatch(id);
  bar.value = batch.succeededItems + batch.failedItems;
  status.textContent = `${batch.status}: ${batch.succeededItems} succeeded, ${batch.failedItems} failed${batch.creditRefunded ? `, ${batch.creditRefunded} credits refunded` : ''}`;
  grid.replaceChildren(
    ...(batch.items ?? []).flatMap((item) => [
      figure(originals.get(item.originalFilename) ?? '', `${item.originalFilename ?? ''} · original`),
      item.outputUrl ? figure(client.url(item.outputUrl), 'cut-out', { 'data-testid': 'batch-cutout' }) : h('p', { class: 'status-FAILED' }, item.errorCode ?? item.status),
    ]),
  );
  if (batch.succeededItems > 0) {
    const download = h('button', { type: 'button', 'data-testid': 'download-zip' }, 'Download ZIP');
    download.addEventListener('click', () => void busy(download, () => saveZip(id)));
    card.append(download);
  }
  await refreshProfile();
}

async function saveZip(id) {
  const blob = await client.downloadBatchZip(id);
  const link = h('a', { href: URL.createObjectURL(blob), download: `lumiku-batch-${id}.zip` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

