// The console's shell: settings, session, language, and a hash router over the screens.
import { session, whenUnauthenticated, consoleGet } from './api.js';
import { t, lang, setLang } from './i18n.js';
import { setCityOffset, syncTo } from './time.js';
import { renderSignIn } from './signin.js';
import { renderBoard } from './board.js';
import { renderQueue } from './queue.js';
import { renderIncident } from './incident.js';
import { renderEvaluation } from './evaluation.js';
import { renderMap } from './map.js';
import { renderDrills } from './drills.js';
import { renderAssignments } from './assignments.js';

const main = document.getElementById('main');
let cleanup = () => {};
let settings = { development: false, cityName: '' };
let directory = null;
let expiredMessage = '';

function names(list, key = 'id') {
  return Object.fromEntries((list ?? []).map(item => [item[key], item.name]));
}

async function loadDirectory() {
  try {
    const d = await consoleGet('/console/directory', true);
    directory = {
      ...d,
      communityName: names(d.communities),
      gridName: names(d.grids),
      departmentName: names(d.departments),
      categoryName: names(d.categories, 'code'),
      categoryDepartments: Object.fromEntries(d.categories.map(c => [c.code, c.departments])),
    };
  } catch {
    directory = { communities: [], grids: [], departments: [], categories: [], communityName: {}, gridName: {}, departmentName: {}, categoryName: {}, categoryDepartments: {} };
  }
}

function translateStatic() {
  document.title = t('app.title');
  document.getElementById('app-title').textContent = t('app.title');
  document.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
  const button = document.getElementById('lang');
  button.textContent = t('lang.switch');
  button.setAttribute('aria-label', t('lang.label'));
  const identity = session.identity;
  document.getElementById('who').textContent = identity ? `${identity.sub} · ${t('role.' + identity.role)}${identity.dept ? ' · ' + identity.dept : ''}${identity.jur?.length ? ' · ' + identity.jur.join(',') : ''}` : '';
}

let generation = 0;

async function route() {
  const mine = ++generation;
  cleanup();
  cleanup = () => {};
  const signedIn = !!session.token;
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('signout').hidden = !signedIn;
  translateStatic();
  const hash = location.hash || '#/board';
  if (!signedIn) {
    main.replaceChildren();
    cleanup = renderSignIn(main, { settings, message: expiredMessage, onSignedIn: async () => { expiredMessage = ''; await loadDirectory(); location.hash = '#/board'; route(); } }) ?? cleanup;
    return;
  }
  if (!directory) await loadDirectory();
  if (mine !== generation) return; // a newer route (e.g. back to sign-in after a 401) took over meanwhile
  const ctx = { identity: session.identity, directory, settings };
  document.querySelectorAll('#nav a').forEach(a => a.removeAttribute('aria-current'));
  main.replaceChildren();
  let match;
  // Query.GetEvaluation's roles: dispatcher, viewer, admin.
  document.getElementById('nav-evaluation').hidden = !['dispatcher', 'viewer', 'admin'].includes(ctx.identity?.role);
  document.getElementById('nav-drills').hidden = !['dispatcher', 'viewer', 'admin'].includes(ctx.identity?.role);
  // Query.ListAssignments' roles: department (its own), dispatcher, viewer, admin.
  document.getElementById('nav-assignments').hidden = !['department', 'dispatcher', 'viewer', 'admin'].includes(ctx.identity?.role);
  if ((match = hash.match(/^#\/incident\/(.+)$/))) {
    cleanup = renderIncident(main, ctx, decodeURIComponent(match[1])) ?? cleanup;
  } else if (hash.startsWith('#/drills')) {
    document.getElementById('nav-drills').setAttribute('aria-current', 'page');
    cleanup = renderDrills(main, ctx) ?? cleanup;
  } else if (hash.startsWith('#/map')) {
    document.getElementById('nav-map').setAttribute('aria-current', 'page');
    cleanup = renderMap(main, ctx) ?? cleanup;
  } else if (hash.startsWith('#/evaluation')) {
    document.getElementById('nav-evaluation').setAttribute('aria-current', 'page');
    cleanup = renderEvaluation(main, ctx) ?? cleanup;
  } else if (hash.startsWith('#/assignments')) {
    document.getElementById('nav-assignments').setAttribute('aria-current', 'page');
    cleanup = renderAssignments(main, ctx) ?? cleanup;
  } else if (hash.startsWith('#/queue')) {
    document.getElementById('nav-queue').setAttribute('aria-current', 'page');
    cleanup = renderQueue(main, ctx) ?? cleanup;
  } else {
    document.getElementById('nav-board').setAttribute('aria-current', 'page');
    cleanup = renderBoard(main, ctx) ?? cleanup;
  }
}

whenUnauthenticated(message => {
  if (!session.token) return;
  session.signOut();
  expiredMessage = t('signin.expired') + (message ? ` (${message})` : '');
  route();
});

document.getElementById('lang').addEventListener('click', () => { setLang(lang === 'zh' ? 'en' : 'zh'); route(); });
document.getElementById('signout').addEventListener('click', () => { session.signOut(); directory = null; location.hash = '#/board'; route(); });
window.addEventListener('hashchange', route);

setLang(lang);
try {
  settings = await consoleGet('/console/settings');
  setCityOffset(settings.utcOffsetMinutes);
  syncTo(settings.serverTime);
} catch { /* the silo is starting: the screens show the API's answer */ }
route();
