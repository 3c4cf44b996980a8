// 值班看板 SLA board: every open incident grouped by its running clock (受理 accept, 指派 assign, 到场 on site,
// 办结 resolve), counting down every second against the center's clock, red / yellow / green (breached / past the
// warning / in time), with counts per community and department. Loaded from Query.ListIncidents (open only) and kept
// live by Query.WatchIncidents: each change re-reads its incident's row (Query.GetIncident), so the board shows what
// the API says, never a guess.
import { get, watch } from './api.js';
import { t } from './i18n.js';
import { now, syncFromRow, formatLeft, formatClock, cityDay } from './time.js';

const GROUPS = [
  ['SLA_CLOCK_KIND_ACCEPT', 'accept', 'clock.accept'],
  ['SLA_CLOCK_KIND_ASSIGN', 'assign', 'clock.assign'],
  ['SLA_CLOCK_KIND_ON_SITE', 'onSite', 'clock.onSite'],
  ['SLA_CLOCK_KIND_RESOLVE', 'resolve', 'clock.resolve'],
  ['', 'none', 'clock.none'],
];
const TERMINAL = new Set(['INCIDENT_STATUS_CLOSED', 'INCIDENT_STATUS_REJECTED', 'INCIDENT_STATUS_DUPLICATE', 'INCIDENT_STATUS_RETRACTED']);
const FETCH_CONCURRENCY = 6;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function groupOf(row) {
  return (GROUPS.find(g => g[0] === row.slaClock) ?? GROUPS[4])[1];
}

export function renderBoard(main, ctx) {
  const dir = ctx.directory;
  const entries = new Map();          // incident id -> { row, tr, left, group, due, warn }
  const groups = {};
  let countsDirty = true;
  let stopped = false;

  const status = el('span', { className: 'status', id: 'board-status', textContent: '' });
  const total = el('span', { id: 'board-total', className: 'muted' });
  const header = el('h2', {}, t('board.title'), ' ', total, status);
  const grid = el('div', { className: 'grid4' });
  for (const [, key, label] of GROUPS) {
    const count = el('span', { className: 'muted', id: `count-${key}`, textContent: '0' });
    const tbody = el('tbody');
    const table = el('table', { id: `group-${key}` },
      el('caption', {}, `${t(label)} `, count),
      el('thead', {}, el('tr', {}, ...['col.id', 'col.category', 'col.area', 'col.department', 'col.status', 'col.left', 'col.due', 'col.level']
        .map(k => el('th', { scope: 'col', textContent: t(k) })))),
      tbody);
    const panel = el('section', { className: 'panel', ariaLabel: t(label) }, table);
    if (key === 'none') panel.hidden = true;
    groups[key] = { tbody, count, panel, order: [] };
    grid.append(panel);
  }
  const byCommunity = el('tbody');
  const byDepartment = el('tbody');
  const side = el('div', { className: 'side' },
    el('section', { className: 'panel' }, el('table', { id: 'by-community' }, el('caption', { textContent: t('board.byCommunity') }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: t('queue.community') }), el('th', { scope: 'col', textContent: t('board.count') }))), byCommunity)),
    el('section', { className: 'panel' }, el('table', { id: 'by-department' }, el('caption', { textContent: t('board.byDepartment') }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: t('queue.department') }), el('th', { scope: 'col', textContent: t('board.count') }))), byDepartment)));
  main.append(el('section', { id: 'board', ariaLabel: t('board.title') }, header, grid, side));

  const open = id => { location.hash = `#/incident/${encodeURIComponent(id)}`; };

  function paint(entry, at) {
    const { row } = entry;
    let state;
    let left;
    if (row.slaPaused) {
      state = 'paused';
      left = Number(row.slaRemainingMs);
    } else if (entry.due === null) {
      state = 'ok';
      left = null;
    } else {
      left = entry.due - at;
      state = left <= 0 ? 'breached' : at >= entry.warn ? 'warning' : 'ok';
    }
    if (entry.state !== state) {
      entry.tr.className = `row ${state}`;
      entry.tr.dataset.state = state;
      entry.stateText.textContent = t(`state.${state}`);
      entry.state = state;
    }
    entry.leftText.textContent = left === null ? '—' : formatLeft(left);
  }

  function build(row) {
    const tr = el('tr', { tabIndex: 0 });
    tr.dataset.id = row.id;
    const leftText = document.createTextNode('');
    const stateText = el('span', { className: 'tag' });
    const dept = row.slaDepartmentId || (row.departmentIds ?? []).join(',');
    tr.append(
      el('td', {}, el('a', { href: `#/incident/${encodeURIComponent(row.id)}`, textContent: row.id, tabIndex: -1 })),
      el('td', { textContent: dir.categoryName[row.categoryCode] ?? row.categoryCode }),
      el('td', { textContent: `${dir.gridName[row.gridId] ?? row.gridId} / ${dir.communityName[row.communityId] ?? row.communityId}` }),
      el('td', { textContent: (row.slaDepartmentId ? [row.slaDepartmentId] : row.departmentIds ?? []).map(d => dir.departmentName[d] ?? d).join('、') || '—' }),
      el('td', { textContent: t(`status.${row.status}`) }),
      el('td', { className: 'left' }, leftText, ' ', stateText),
      el('td', { textContent: row.slaDueAt && !row.slaPaused ? formatClock(Date.parse(row.slaDueAt)) : '—' }),
      el('td', { textContent: t(`level.${row.escalationLevel ?? 0}`) }));
    tr.title = dept;
    tr.addEventListener('click', () => open(row.id));
    tr.addEventListener('keydown', event => {
      if (event.key === 'Enter') open(row.id);
      else if (event.key === 'ArrowDown') { event.preventDefault(); tr.nextElementSibling?.focus(); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); tr.previousElementSibling?.focus(); }
    });
    return { tr, leftText, stateText };
  }

  function sortKey(entry) {
    return entry.row.slaPaused ? now() + Number(entry.row.slaRemainingMs) : entry.due ?? Number.MAX_SAFE_INTEGER;
  }

  function detach(entry) {
    const g = groups[entry.group];
    const i = g.order.indexOf(entry);
    if (i >= 0) g.order.splice(i, 1);
    entry.tr.remove();
    g.count.textContent = String(g.order.length);
    if (entry.group === 'none') g.panel.hidden = g.order.length === 0;
  }

  function attach(entry) {
    const g = groups[entry.group];
    const key = entry.key;
    let lo = 0;
    let hi = g.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (g.order[mid].key <= key) lo = mid + 1; else hi = mid;
    }
    g.tbody.insertBefore(entry.tr, g.order[lo]?.tr ?? null);
    g.order.splice(lo, 0, entry);
    g.count.textContent = String(g.order.length);
    if (entry.group === 'none') g.panel.hidden = false;
  }

  function upsert(row) {
    syncFromRow(row);
    const old = entries.get(row.id);
    if (old) {
      if (Number(old.row.version) > Number(row.version)) return; // an older read than the one shown
      detach(old);
      entries.delete(row.id);
    }
    if (TERMINAL.has(row.status)) { countsDirty = true; return; }
    const parts = build(row);
    const entry = {
      row, ...parts, group: groupOf(row), state: '',
      due: row.slaDueAt ? Date.parse(row.slaDueAt) : null,
      warn: row.slaWarningAt ? Date.parse(row.slaWarningAt) : null,
    };
    entry.key = sortKey(entry);
    paint(entry, now());
    attach(entry);
    entries.set(row.id, entry);
    countsDirty = true;
  }

  function remove(id) {
    const entry = entries.get(id);
    if (!entry) return;
    detach(entry);
    entries.delete(id);
    countsDirty = true;
  }

  function counts() {
    const community = new Map();
    const department = new Map();
    for (const { row } of entries.values()) {
      community.set(row.communityId, (community.get(row.communityId) ?? 0) + 1);
      for (const d of new Set(row.departmentIds ?? [])) department.set(d, (department.get(d) ?? 0) + 1);
    }
    const rows = (map, names) => [...map.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
      .map(([id, n]) => { const tr = el('tr', {}, el('td', { textContent: names[id] ?? id }), el('td', { textContent: String(n) })); tr.dataset.id = id; return tr; });
    byCommunity.replaceChildren(...rows(community, dir.communityName));
    byDepartment.replaceChildren(...rows(department, dir.departmentName));
    total.textContent = `${t('board.total')} ${entries.size}`;
    countsDirty = false;
  }

  // Changes: re-read each changed incident's row, a few at a time, the latest change of an incident once.
  const pending = new Set();
  let inFlight = 0;
  let loaded = false;
  function pump() {
    while (loaded && inFlight < FETCH_CONCURRENCY && pending.size > 0) {
      const id = pending.values().next().value;
      pending.delete(id);
      inFlight++;
      get(`/v1/incidents/${encodeURIComponent(id)}`, { omitJournal: true })
        .then(detail => { if (!stopped) upsert(detail.summary); })
        .catch(error => { if (error.status === 404 || error.status === 403) remove(id); })
        .finally(() => { inFlight--; pump(); });
    }
  }

  const stopWatch = watch({ fromNow: true, realOnly: true }, batch => {
    for (const change of batch.changes ?? []) {
      if (TERMINAL.has(change.status)) {
        pending.delete(change.incidentId);
        if (loaded) remove(change.incidentId); else pending.add(change.incidentId);
      } else {
        pending.add(change.incidentId);
      }
    }
    pump();
  }, state => {
    status.className = `status ${state}`;
    status.textContent = t(`board.${state}`);
  });

  // Every open incident of the last 31 days (the list's longest period), page by page, shown as each page arrives.
  (async () => {
    const query = { openOnly: true, fromDay: cityDay(-30), toDay: cityDay(0), pageSize: 500 };
    do {
      const page = await get('/v1/incidents', query);
      if (stopped) return;
      (page.incidents ?? []).forEach(upsert);
      query.pageToken = page.nextPageToken;
      if (!loaded && !query.pageToken) break;
    } while (query.pageToken);
    loaded = true;
    main.querySelector('#board').dataset.loaded = 'true';
    counts();
    pump();
  })().catch(error => {
    main.append(el('p', { className: 'error', role: 'alert', textContent: error.message }));
  });

  const timer = setInterval(() => {
    const at = now();
    for (const entry of entries.values()) paint(entry, at);
    if (countsDirty) counts();
  }, 1000);

  return () => {
    stopped = true;
    clearInterval(timer);
    stopWatch();
  };
}
