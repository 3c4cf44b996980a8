// 工单 queue: Query.ListIncidents with the API's filters (status, channel = source, category, grid or community as
// the area, department), in report order or by time left; real incidents, or the drill incidents (演练) apart.
// Search: text (description, address, work-order number) for every role, the caller's phone for the roles that see
// reporters in full (dispatcher, admin: the API refuses it to the others).
import { getPage } from './api.js';
import { t } from './i18n.js';
import { cityDay, formatTime, formatLeft, now, syncFromRow } from './time.js';

const STATUSES = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'ON_SITE', 'HANDLED', 'VERIFIED', 'SUSPENDED', 'CLOSED', 'REJECTED', 'DUPLICATE', 'RETRACTED']
  .map(s => `INCIDENT_STATUS_${s}`);
const CHANNELS = ['hotline-12345', 'video', 'sensor', 'app', 'patrol'];

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function select(id, label, options, value = '') {
  const s = el('select', { id, name: id }, el('option', { value: '', textContent: t('queue.any') }),
    ...options.map(([v, text]) => el('option', { value: v, textContent: text, selected: v === value })));
  return el('label', { htmlFor: id }, label, s);
}

export function renderQueue(main, ctx) {
  const dir = ctx.directory;
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const phoneSearch = ['dispatcher', 'admin'].includes(ctx.identity?.role);
  const form = el('form', { className: 'filters panel', id: 'queue-filters', ariaLabel: t('queue.filter') },
    el('label', { htmlFor: 'search-text' }, t('queue.search'),
      el('input', { id: 'search-text', name: 'text', type: 'search', maxLength: 100, size: 22, value: params.get('text') ?? '', placeholder: t('queue.searchHint') })),
    ...(phoneSearch ? [el('label', { htmlFor: 'search-phone' }, t('queue.phone'),
      el('input', { id: 'search-phone', name: 'reporterPhone', type: 'tel', maxLength: 40, size: 16, value: params.get('phone') ?? '', placeholder: t('queue.phoneHint') }))] : []),
    select('status', t('queue.status'), STATUSES.map(s => [s, t(`status.${s}`)]), params.get('status') ?? ''),
    el('label', { htmlFor: 'source' }, t('queue.channel'),
      el('input', { id: 'source', name: 'source', value: params.get('source') ?? '', size: 14 }, ),
      el('datalist', { id: 'channels' }, ...CHANNELS.map(c => el('option', { value: c })))),
    select('category', t('queue.category'), dir.categories.map(c => [c.code, `${c.code} ${c.name}`]), params.get('category') ?? ''),
    select('community', t('queue.community'), dir.communities.map(c => [c.id, c.name]), params.get('community') ?? ''),
    select('grid', t('queue.grid'), dir.grids.map(g => [g.id, `${g.id} ${g.name}`]), params.get('grid') ?? ''),
    select('department', t('queue.department'), dir.departments.map(d => [d.id, d.name]), params.get('department') ?? ''),
    el('label', { htmlFor: 'kind' }, t('queue.kind'),
      el('select', { id: 'kind', name: 'kind' }, el('option', { value: 'real', textContent: t('queue.real') }), el('option', { value: 'drill', textContent: t('queue.drill') }))),
    el('label', { htmlFor: 'fromDay' }, t('queue.fromDay'), el('input', { id: 'fromDay', name: 'fromDay', type: 'date', value: params.get('fromDay') ?? cityDay(-6) })),
    select('order', t('queue.order'), [['INCIDENT_ORDER_TIME_LEFT', t('queue.byTimeLeft')]], params.get('order') ?? ''),
    el('button', { type: 'submit', textContent: t('queue.apply') }));
  form.querySelector('#source').setAttribute('list', 'channels');
  const tbody = el('tbody');
  const table = el('table', { id: 'queue-table' },
    el('caption', { textContent: t('queue.title') }),
    el('thead', {}, el('tr', {}, ...['col.id', 'col.reported', 'col.source', 'col.category', 'col.area', 'col.department', 'col.status', 'col.left', 'col.level']
      .map(k => el('th', { scope: 'col', textContent: t(k) })))),
    tbody);
  const more = el('button', { type: 'button', className: 'act secondary', textContent: t('queue.more'), hidden: true });
  const message = el('p', { role: 'status', id: 'queue-message' });
  main.append(el('section', { id: 'queue' }, el('h2', { textContent: t('queue.title') }), form, el('div', { className: 'panel' }, table, message, more)));

  let query = null;
  async function load(reset) {
    if (reset) { tbody.replaceChildren(); query.pageToken = ''; }
    message.textContent = '';
    message.className = '';
    try {
      const page = await getPage('/v1/incidents', query, p => p.incidents);
      for (const row of page.incidents ?? []) {
        syncFromRow(row);
        const left = row.slaDueAt ? (row.slaPaused ? Number(row.slaRemainingMs) : Date.parse(row.slaDueAt) - now()) : null;
        const tr = el('tr', { className: 'row', tabIndex: 0 },
          el('td', {}, el('a', { href: `#/incident/${encodeURIComponent(row.id)}`, textContent: row.id })),
          el('td', { textContent: formatTime(row.reportedAt) }),
          el('td', { textContent: row.source }),
          el('td', { textContent: dir.categoryName[row.categoryCode] ?? row.categoryCode }),
          el('td', { textContent: `${dir.gridName[row.gridId] ?? row.gridId} / ${dir.communityName[row.communityId] ?? row.communityId}` }),
          el('td', { textContent: (row.departmentIds ?? []).map(d => dir.departmentName[d] ?? d).join('、') }),
          el('td', { textContent: t(`status.${row.status}`) }),
          el('td', { textContent: left === null ? '—' : formatLeft(left) }),
          el('td', { textContent: t(`level.${row.escalationLevel ?? 0}`) }));
        tr.addEventListener('keydown', e => { if (e.key === 'Enter') location.hash = `#/incident/${encodeURIComponent(row.id)}`; });
        tbody.append(tr);
      }
      more.hidden = !query.pageToken;
      if (!tbody.children.length && !query.pageToken) message.textContent = t('queue.none');
    } catch (error) {
      message.className = 'error';
      message.textContent = error.message;
    }
  }

  form.addEventListener('submit', event => {
    event.preventDefault();
    const f = new FormData(form);
    query = {
      text: (f.get('text') ?? '').trim(),
      reporterPhone: (f.get('reporterPhone') ?? '').trim(),
      statuses: f.get('status') || undefined,
      source: f.get('source'),
      categoryCode: f.get('category'),
      areaId: f.get('grid') || f.get('community'),
      departmentId: f.get('department'),
      fromDay: f.get('fromDay'),
      toDay: cityDay(0),
      order: f.get('order'),
      drills: f.get('kind') === 'drill' || undefined,
      pageSize: 100,
    };
    load(true);
  });
  more.addEventListener('click', () => load(false));
  form.requestSubmit();
  return () => {};
}
