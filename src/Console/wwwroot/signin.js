// Sign-in: single sign-on (OpenID Connect, when the silo has it configured), one click per development identity
// (development mode only), or a pasted token. The token is kept in sessionStorage (gone with the tab); a 401 from the API
// (the session expired) brings the console back here.
import { session, claimsOf, consoleGet } from './api.js';
import { t, lang } from './i18n.js';

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export function identityOf(token) {
  const claims = claimsOf(token);
  const jur = claims.jur === undefined ? [] : Array.isArray(claims.jur) ? claims.jur : [claims.jur];
  return { sub: claims.sub, role: claims.role, dept: claims.dept ?? '', src: claims.src ?? '', jur, exp: claims.exp };
}

export function renderSignIn(main, { settings, message, onSignedIn }) {
  const section = el('section', { className: 'signin', id: 'signin' }, el('h2', { textContent: t('signin.title') }));
  if (message) section.append(el('p', { className: 'error', id: 'signin-expired', role: 'alert', textContent: message }));

  const signIn = token => {
    session.signIn(token, identityOf(token));
    onSignedIn();
  };

  if (settings.oidc) {
    const sso = el('a', { className: 'button sso', id: 'sso', href: '/console/oidc/signin', textContent: t('signin.sso') });
    section.append(el('div', { className: 'panel' }, sso));
  }

  if (settings.development) {
    const panel = el('div', { className: 'panel' }, el('h3', { textContent: t('signin.dev') }), el('p', { className: 'muted', textContent: t('signin.devNote') }));
    const list = el('div', { className: 'identities', role: 'group', ariaLabel: t('signin.dev') });
    panel.append(list);
    section.append(panel);
    consoleGet('/console/dev-identities').then(identities => {
      for (const identity of identities) {
        const button = el('button', { type: 'button', className: 'identity' },
          lang === 'en' ? identity.labelEn : identity.label,
          el('small', { textContent: `${identity.userId} · ${identity.role}` }));
        button.dataset.user = identity.userId;
        button.addEventListener('click', () => signIn(identity.token));
        list.append(button);
      }
    }).catch(() => list.append(el('p', { className: 'error', textContent: '—' })));
  }

  const input = el('textarea', { id: 'token', rows: 3, cols: 60, required: true, spellcheck: false });
  const error = el('p', { className: 'error', hidden: true, role: 'alert' });
  const form = el('form', { className: 'panel' },
    el('h3', { textContent: t('signin.paste') }),
    el('label', { className: 'field', htmlFor: 'token', textContent: t('signin.token') }), input,
    el('p', {}, el('button', { type: 'submit', textContent: t('signin.submit') })),
    error,
    settings.oidc ? '' : el('p', { className: 'muted', textContent: t('signin.oidc') }));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const token = input.value.trim();
    try {
      identityOf(token);
    } catch {
      error.textContent = t('signin.bad');
      error.hidden = false;
      return;
    }
    signIn(token);
  });
  section.append(form);
  main.append(section);
  return () => {};
}
