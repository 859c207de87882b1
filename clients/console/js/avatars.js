import { newIdempotencyKey, unwrap } from '../vendor/lumiku-client/index.js';
import { $, busy, figure, h, show } from './dom.js';
import { client, refreshProfile } from './session.js';

let current = null; // the open project

const api = client.api;
const byId = (id) => ({ params: { path: { id } } });

export function initAvatars() {
  $('#project-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    void busy(event.submitter, async () => {
      const project = unwrap(await api.POST('/api/apps/avatar-creator/projects', { body: { name: form.name.value.trim() } }));
      form.reset();
      await listProjects();
      await openProject(project);
    });
  });
  $('#generate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const button = event.submitter;
    void busy(button, () => generate(event.currentTarget, button.value === 'preview'));
  });
  $('#avatar-upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    void busy(event.submitter, async () => {
      await client.uploadAvatar(current.id, form.image.files[0]);
      form.reset();
      await listAvatars();
    });
  });
  $('#delete-project').addEventListener('click', (event) => {
    if (!current || !confirm(`Delete "${current.name}" and all its avatars?`)) return;
    void busy(event.currentTarget, async () => {
      unwrap(await api.DELETE('/api/apps/avatar-creator/projects/{id}', byId(current.id)));
      current = null;
      $('#project').hidden = true;
      await listProjects();
    });
  });
}

export async function showAvatars() {
  await busy(null, async () => {
    const { models } = unwrap(await api.GET('/api/apps/avatar-creator/models'));
    $('#models').replaceChildren(...models.map((m) => h('option', { value: m.modelKey }, `${m.name} — ${m.creditCost} credits${m.servedBy?.substitute ? ` (served by ${m.servedBy.providerId})` : ''}`)));
    await listProjects();
  });
}

async function listProjects() {
  const page = unwrap(await api.GET('/api/apps/avatar-creator/projects', { params: { query: { limit: 50 } } }));
  $('#projects').replaceChildren(
    ...page.items.map((p) =>
      h('li', { class: current?.id === p.id ? 'selected' : '', onclick: () => void busy(null, () => openProject(p)) },
        p.latestThumbnails?.[0] ? h('img', { src: client.url(p.latestThumbnails[0]), alt: '', class: 'checker' }) : null,
        h('span', { class: 'grow' }, p.name),
        h('span', { class: 'muted' }, `${p.avatarCount}`)),
    ),
  );
  if (!page.items.length) $('#projects').append(h('li', { class: 'muted' }, 'No projects yet: create one'));
}

async function openProject(project) {
  current = project;
  $('#project').hidden = false;
  $('#project-name').textContent = project.name;
  $('#preview').hidden = true;
  await listAvatars();
}

async function listAvatars() {
  const page = unwrap(await api.GET('/api/apps/avatar-creator/projects/{id}/avatars', { params: { path: { id: current.id }, query: { limit: 50 } } }));
  $('#avatars').replaceChildren(
    ...page.items.map((a) => {
      const remove = h('button', { type: 'button', class: 'link' }, 'delete');
      remove.addEventListener('click', () => void busy(remove, async () => {
        unwrap(await api.DELETE('/api/apps/avatar-creator/avatars/{id}', byId(a.id)));
        await listAvatars();
      }));
      const item = figure(client.url(a.thumbnailUrl ?? a.imageUrl), `${a.name} · ${a.source.toLowerCase()}`);
      item.querySelector('figcaption').append(' · ', h('a', { href: client.url(a.imageUrl), target: '_blank', rel: 'noopener' }, 'full size'), ' · ', remove);
      return item;
    }),
  );
  if (!page.items.length) $('#avatars').append(h('p', { class: 'muted' }, 'No avatars yet'));
  await listProjects();
}

/** Generate (kept at once) or preview (kept only if you save it, without paying again); the worker makes it. */
async function generate(form, preview) {
  const body = { prompt: form.prompt.value.trim(), modelKey: form.modelKey.value || undefined, name: form.elements.namedItem('name').value.trim() || 'Avatar' };
  const path = preview ? '/api/apps/avatar-creator/projects/{id}/avatars/generate-preview' : '/api/apps/avatar-creator/projects/{id}/avatars/generate';
  const accepted = unwrap(await api.POST(path, { params: { path: { id: current.id }, header: { 'Idempotency-Key': newIdempotencyKey() } }, body }));
  show(`${accepted.creditUsed} credits charged; generating…`, 'info');
  await refreshProfile();
  let generation = accepted.generation;
  while (generation.status === 'QUEUED' || generation.status === 'PROCESSING') {
    await new Promise((r) => setTimeout(r, 700));
    generation = unwrap(await api.GET('/api/apps/avatar-creator/generations/{id}', byId(generation.id)));
  }
  await refreshProfile();
  if (generation.status !== 'SUCCEEDED') return show(`Generation failed: ${generation.errorMessage ?? generation.errorCode} (refunded)`);
  show('');
  if (!preview) return listAvatars();
  const save = h('button', { type: 'button' }, 'Keep it');
  save.addEventListener('click', () => void busy(save, async () => {
    unwrap(await api.POST('/api/apps/avatar-creator/projects/{id}/avatars/save-preview', { ...byId(current.id), body: { generationId: generation.id, name: body.name } }));
    $('#preview').hidden = true;
    await listAvatars();
  }));
  $('#preview').replaceChildren(figure(client.url(generation.outputUrl), 'Preview (not kept yet)'), save);
  $('#preview').hidden = false;
}
