/** Tiny DOM helpers: no framework, so the page stays a few plain modules. */

export const $ = (selector, root = document) => root.querySelector(selector);

/** `h('li', {class: 'x', onclick}, child, 'text')`: an element; children may be nodes, strings or falsy (skipped). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) el.append(child);
  return el;
}

export function show(message, kind = 'error') {
  const box = $('#message');
  box.textContent = message;
  box.className = `message ${kind === 'info' ? 'info' : ''}`;
  box.hidden = !message;
}

/** A LumikuApiError (or any error) as one line the user can act on; the request id is what support needs. */
export function describeError(err) {
  if (err && err.code) {
    const fields = err.details?.fields?.map((f) => `${f.field}: ${f.errors.join(', ')}`).join('; ');
    return `${err.message}${fields ? ` (${fields})` : ''} [${err.code}${err.requestId ? `, request ${err.requestId}` : ''}]`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Runs `fn` with `button` disabled, showing any failure in the message bar. */
export async function busy(button, fn) {
  if (button) button.disabled = true;
  show('');
  try {
    return await fn();
  } catch (err) {
    show(describeError(err));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

export function figure(src, caption, attrs = {}) {
  return h('figure', {}, h('img', { src, alt: caption, class: 'checker', ...attrs }), h('figcaption', {}, caption));
}
