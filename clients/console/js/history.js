import { unwrap } from '../vendor/lumiku-client/index.js';
import { $, busy, h, when } from './dom.js';
import { client } from './session.js';

const PAGE = { params: { query: { limit: 20 } } };

/** Totals, recent jobs and batches, and the credit ledger (each a typed call of the client). */
export async function showHistory() {
  await busy(null, async () => {
    const [stats, jobs, batches, ledger] = await Promise.all([
      client.api.GET('/api/background-remover/stats').then(unwrap),
      client.api.GET('/api/background-remover/jobs', PAGE).then(unwrap),
      client.api.GET('/api/background-remover/batches', PAGE).then(unwrap),
      client.api.GET('/api/credits/transactions', PAGE).then(unwrap),
    ]);
    const stat = (label, value) => h('div', { class: 'stat' }, h('b', {}, String(value)), label);
    $('#stats').replaceChildren(
      stat('images processed', stats.imagesProcessed),
      stat('failed', stats.imagesFailed),
      stat('pending', stats.imagesPending),
      stat('batches', stats.batches),
      stat('credits spent', stats.creditsSpent),
      ...stats.byTier.map((t) => stat(`${t.tier}: images / credits`, `${t.images} / ${t.creditsSpent}`)),
    );
    $('#jobs').replaceChildren(
      ...jobs.items.map((job) =>
        h('li', { 'data-testid': 'history-job' },
          job.thumbnailUrl ? h('img', { src: client.url(job.thumbnailUrl), alt: '', class: 'checker' }) : null,
          h('span', { class: 'grow' }, `${job.originalFilename ?? job.id} · ${job.tier}`),
          h('span', { class: `status-${job.status}` }, job.status.toLowerCase()),
          job.outputUrl ? h('a', { href: client.url(job.outputUrl), target: '_blank', rel: 'noopener' }, 'open') : null),
      ),
    );
    if (!jobs.items.length) $('#jobs').append(h('li', { class: 'muted' }, 'No jobs yet'));
    $('#batches').replaceChildren(
      ...batches.items.map((b) =>
        h('li', {},
          h('span', { class: 'grow' }, `${when(b.createdAt)} · ${b.totalItems} images · ${b.tier}`),
          h('span', { class: `status-${b.status}` }, `${b.status.toLowerCase()} (${b.succeededItems}/${b.totalItems})`)),
      ),
    );
    if (!batches.items.length) $('#batches').append(h('li', { class: 'muted' }, 'No batches yet'));
    $('#ledger').replaceChildren(
      ...ledger.items.map((t) =>
        h('li', {},
          h('span', { class: 'grow' }, `${when(t.createdAt)} · ${t.kind.toLowerCase()}${t.description ? ` · ${t.description}` : ''}`),
          h('b', {}, `${t.amount > 0 ? '+' : ''}${t.amount}`),
          h('span', { class: 'muted' }, `→ ${t.balanceAfter}`)),
      ),
    );
  });
}
