// The end of single sign-on: the silo sends the browser here with the console's API token (or the reason it refused)
// in the URL fragment, which no server sees. The token goes where a pasted one would (sessionStorage), the fragment is
// removed from the address bar and history, and the console opens.
import { session } from './api.js';
import { identityOf } from './signin.js';
import { t } from './i18n.js';

const fragment = new URLSearchParams(location.hash.slice(1));
history.replaceState(null, '', location.pathname);
const token = fragment.get('token');
if (token) {
  session.signIn(token, identityOf(token));
  location.replace('/');
} else {
  document.getElementById('outcome').textContent = t('signin.ssoFailed') + (fragment.get('error') ?? '—');
}
