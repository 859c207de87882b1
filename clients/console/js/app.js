import { $, busy, describeError, show } from './dom.js';
import { client, refreshProfile } from './session.js';
import { initRemover } from './remover.js';
import { showHistory } from './history.js';
import { initAvatars, showAvatars } from './avatars.js';

const VIEWS = { remove: () => undefined, avatars: showAvatars, history: showHistory };

function route() {
  const signedIn = Boolean(client.token);
  $('#nav').hidden = !signedIn;
  $('#who').hidden = !signedIn;
  const name = signedIn ? (location.hash.replace(/^#\//, '') || 'remove') : 'auth';
  const view = name in VIEWS || name === 'auth' ? name : 'remove';
  for (const section of document.querySelectorAll('main > section')) /** @type {HTMLElement} */ (section).hidden = section.id !== `view-${view}`;
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('active', link.getAttribute('href') === `#/${view}`);
  if (view !== 'auth') {
    refreshProfile().catch((err) => {
      if (err.status === 401) {
        client.logout();
        route();
      } else show(describeError(err));
    });
    void VIEWS[view]?.();
  }
}

$('#auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const mode = event.submitter?.value ?? 'login';
  const body = { email: form.email.value.trim(), password: form.password.value };
  void busy(event.submitter, async () => {
    await (mode === 'register' ? client.register(body) : client.login(body));
    form.reset();
    location.hash = '#/remove';
    route();
  });
});

$('#sign-out').addEventListener('click', () => {
  client.logout();
  show('');
  route();
});

window.addEventListener('hashchange', route);
initRemover();
initAvatars();
route();
