// 值班看板 SLA board: every open incident grouped by its running clock (受理 accept, 指派 assign, 到场 on site,
// 办结 resolve), counting down every second against the center's clock, red / yellow / green (breached / past the
// warning / in time), with counts per community and department. Loaded from Query.ListIncidents (open only) and kept
// live by Query.WatchIncidents with rows (live.js, shared with the map), so the board shows what the API says, never a
// guess.
import { t } from './i18n.js';
import { now, syncFromRow, formatLeft, formatClock } from './time.js';
import { followOpenIncidents } from './live.js';

const GROUPS = [
  ['SLA_CLOCK_KIND_ACCEPT', 'accept', 'clock.accept'],
  ['SLA_CLOCK_KIND_ASSIGN', 'assign', 'clock.assign'],
  ['SLA_CLOCK_KIND_ON_SITE', 'onSite', 'clock.onSite'],
  ['SLA_CLOCK_KIND_RESOLVE', 'resolve', 'clock.resolve'],
  ['', 'none', 'clock.none'],
];
const TERMINAL = new Set(['INCIDENT_STATUS_CLOSED', 'INCIDENT_STATUS_REJECTED', 'INCIDENT_STATUS_DUPLICATE', 'INCIDENT_STATUS_RETRACTED']);

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

  const status = el('span', { className: 'status', id: 'board-status', textContent: '' });
  const total = el('span', { id: 'board-total', className: 'muted' });
  const header = el('h2', {}, t('board.title'), ' ', total, status);
  const grid = el('div', { className: 'grid4' });
  // Each group is an ARIA table of div rows: with content-visibility, rows off screen cost no layout, so 5,000 rows
  // stay cheap when one of them changes (a <table> lays out every row again).
  const COLUMNS = ['col.id', 'col.category', 'col.area', 'col.department', 'col.status', 'col.left', 'col.due', 'col.level'];
  for (const [, key, label] of GROUPS) {
    const count = el('span', { className: 'muted', id: `count-${key}`, textContent: '0' });
    // A scrolling list that holds only the rows in view (and a few more): a spacer gives it the height of all rows.
    const windowed = el('div', { className: 'window' });
    const tbody = el('div', { role: 'rowgroup', className: 'rows' }, el('div', { className: 'spacer' }), windowed);
    const caption = el('h3', { id: `caption-${key}` }, `${t(label)} `, count);
    const table = el('div', { role: 'table', id: `group-${key}`, className: 'board-table' },
      el('div', { role: 'rowgroup' }, el('div', { role: 'row', className: 'brow head' }, ...COLUMNS.map(k => el('span', { role: 'columnheader', textContent: t(k) })))),
      tbody);
    table.setAttribute('aria-labelledby', caption.id);
    const panel = el('section', { className: 'panel' }, caption, table);
    panel.setAttribute('aria-labelledby', caption.id);
    if (key === 'none') panel.hidden = true;
    groups[key] = { key, tbody, windowed, spacer: tbody.firstChild, count, panel, order: [], dirty: false, shown: [] };
    tbody.addEventListener('scroll', () => { groups[key].dirty = true; requestAnimationFrame(() => renderGroup(groups[key], now())); }, { passive: true });
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

  // Only the rows in view are in the page (5,000 rows would make every change lay out and paint thousands of
  // elements): rows have a fixed height, so the rows in view follow from each list's scroll position.
  const ROW_HEIGHT = 27;
  const SPARE_ROWS = 5;
  function renderGroup(g, at) {
    const height = g.tbody.clientHeight || 600;
    const first = Math.max(0, Math.floor(g.tbody.scrollTop / ROW_HEIGHT) - SPARE_ROWS);
    const last = Math.min(g.order.length, Math.ceil((g.tbody.scrollTop + height) / ROW_HEIGHT) + SPARE_ROWS);
    const shown = g.order.slice(first, last);
    if (g.dirty || shown.length !== g.shown.length || shown.some((e, i) => e !== g.shown[i])) {
      g.spacer.style.height = `${Math.max(1, g.order.length) * ROW_HEIGHT}px`;
      g.windowed.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
      const focused = g.windowed.contains(document.activeElement) ? document.activeElement : null;
      g.windowed.replaceChildren(...shown.map(e => e.tr));
      if (focused && focused.isConnected) focused.focus({ preventScroll: true });
      g.shown = shown;
      g.dirty = false;
    }
    for (const entry of shown) paint(entry, at);
  }

  function paintVisible(at) {
    for (const g of Object.values(groups)) renderGroup(g, at);
  }

  /** Moves the focus to the row before or after (keyboard), scrolling it into the list's view. */
  function step(entry, by) {
    const g = groups[entry.group];
    const index = g.order.indexOf(entry) + by;
    if (index < 0 || index >= g.order.length) return;
    const top = index * ROW_HEIGHT;
    if (top < g.tbody.scrollTop) g.tbody.scrollTop = top;
    else if (top + ROW_HEIGHT > g.tbody.scrollTop + g.tbody.clientHeight) g.tbody.scrollTop = top + ROW_HEIGHT - g.tbody.clientHeight;
    renderGroup(g, now());
    g.order[index].tr.focus({ preventScroll: true });
  }

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
      entry.tr.className = `brow row ${state}`;
      entry.tr.dataset.state = state;
      entry.stateText.textContent = t(`state.${state}`);
      entry.state = state;
    }
    entry.leftText.textContent = left === null ? '—' : formatLeft(left);
  }

  function build(row) {
    const tr = el('div', { role: 'row', tabIndex: 0 });
    tr.dataset.id = row.id;
    const leftText = document.createTextNode('');
    const stateText = el('span', { className: 'tag' });
    const cell = (text, className = '') => el('span', { role: 'cell', className, textContent: text });
    const link = el('a', { href: `#/incident/${encodeURIComponent(row.id)}`, textContent: row.id, tabIndex: -1 });
    tr.append(
      el('span', { role: 'cell' }, link),
      cell(dir.categoryName[row.categoryCode] ?? row.categoryCode),
      cell(`${dir.gridName[row.gridId] ?? row.gridId} / ${dir.communityName[row.communityId] ?? row.communityId}`),
      cell((row.slaDepartmentId ? [row.slaDepartmentId] : row.departmentIds ?? []).map(d => dir.departmentName[d] ?? d).join('、') || '—'),
      cell(t(`status.${row.status}`)),
      el('span', { role: 'cell', className: 'left' }, leftText, ' ', stateText),
      cell(row.slaDueAt && !row.slaPaused ? formatClock(Date.parse(row.slaDueAt)) : '—'),
      cell(t(`level.${row.escalationLevel ?? 0}`)));
    tr.addEventListener('click', () => open(row.id));
    tr.addEventListener('keydown', event => {
      if (event.key === 'Enter') open(row.id);
      else if (event.key === 'ArrowDown') { event.preventDefault(); step(tr.entry, 1); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); step(tr.entry, -1); }
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
    g.dirty = true;
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
    entry.tr.entry = entry;
    g.dirty = true;

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

  // The open incidents, live (live.js: the first load page by page, then the watch's rows in batches every 250 ms).
  const stopFollowing = followOpenIncidents({
    onPage(rows, first) {
      rows.forEach(upsert);
      paintVisible(now());
      if (first) requestAnimationFrame(() => performance.mark('citybrain:board:first-page'));
    },
    onChanges(changes) {
      for (const [id, row] of changes) {
        if (row) upsert(row); else remove(id);
      }
      paintVisible(now());
    },
    onLoaded() {
      performance.mark('citybrain:board:loaded');
      main.querySelector('#board').dataset.loaded = 'true';
      counts();
    },
    onState(state) {
      status.className = `status ${state}`;
      status.textContent = t(`board.${state}`);
    },
    onError(error) {
      main.append(el('p', { className: 'error', role: 'alert', textContent: error.message }));
    },
  });

  const timer = setInterval(() => {
    const at = now();
    paintVisible(at);
    if (countsDirty) counts();
  }, 1000);

  return () => {
    clearInterval(timer);
    stopFollowing();
  };
}
