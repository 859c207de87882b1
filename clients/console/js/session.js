import { createLumikuClient } from '../vendor/lumiku-client/index.js';

/** One client for the page, same origin as the API; the token lives in sessionStorage (gone with the tab). */
const TOKEN_KEY = 'lumiku.console.token';

export const client = createLumikuClient({
  baseUrl: window.location.origin,
  token: sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  onTokenChange: (token) => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY)),
});

/** Re-reads the balance shown in the header (after anything that charges or refunds). */
export async function refreshProfile() {
  const me = await client.me();
  document.getElementById('email').textContent = me.email;
  document.getElementById('credits').textContent = String(me.creditBalance);
  return me;
}
