// 部门派单 a department's assignments: the open ones (Query.ListAssignments) and its history — the finished ones
// (handled, returned 退单, ended with their incident) of the real incidents reported in a period, newest day first,
// paged (ListAssignments with includeFinished). A department reads its own; the center picks a department.
import { get, getPage } from './api.js';
import { t } from './i18n.js';
import { cityDay, formatTime } from './time.js';

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A table with a caption, or (caption null) labelled by the heading of its panel. */
function table(id, caption, columns, tbody) {
  return el('table', { id },
    ...(caption ? [el('caption', { textContent: caption })] : []),
    el('thead', {}, el('tr', {}, ...columns.map(k => el('th', { scope: 'col', textContent: t(k) })))),
    tbody);
}

export function renderAssignments(main, ctx) {
  const dir = ctx.directory;
  const own = ctx.identity?.role === 'department';
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  let department = own ? ctx.identity.dept : params.get('department') || dir.departments[0]?.id || '';
  let stopped = false;
  const path = () => own ? '/v1/assignments' : `/v1/departments/${encodeURIComponent(department)}/assignments`;
  const incidentLink = id => el('a', { href: `#/incident/${encodeURIComponent(id)}`, textContent: id });
  const area = r => `${dir.gridName[r.gridId] ?? r.gridId ?? ''} / ${dir.communityName[r.communityId] ?? r.communityId ?? ''}`;

  const picker = own ? el('p', { className: 'muted', textContent: `${t('assign.department')}: ${dir.departmentName[department] ?? department}` })
    : el('label', { className: 'field', htmlFor: 'assign-department' }, t('assign.department'),
      el('select', { id: 'assign-department' }, ...dir.departments.map(d => el('option', { value: d.id, textContent: d.name, selected: d.id === department }))));
  const openBody = el('tbody');
  const openMessage = el('p', { role: 'status', id: 'assign-open-message' });
  const openPanel = el('section', { className: 'panel' },
    table('assign-open', t('assign.open'), ['col.id', 'col.category', 'assign.dispatched', 'assign.due'], openBody), openMessage);

  const history = el('form', { className: 'filters', id: 'assign-history-filters', ariaLabel: t('assign.history') },
    el('label', { htmlFor: 'assign-from' }, t('queue.fromDay'), el('input', { id: 'assign-from', name: 'fromDay', type: 'date', value: cityDay(-30) })),
    el('label', { htmlFor: 'assign-to' }, t('assign.toDay'), el('input', { id: 'assign-to', name: 'toDay', type: 'date', value: cityDay(0) })),
    el('button', { type: 'submit', textContent: t('queue.apply') }));
  const historyBody = el('tbody');
  const historyMessage = el('p', { role: 'status', id: 'assign-history-message' });
  const more = el('button', { type: 'button', className: 'act secondary', textContent: t('queue.more'), hidden: true });
  const historyPanel = el('section', { className: 'panel', id: 'assign-history-panel' },
    el('h3', { id: 'assign-history-title', textContent: t('assign.history') }), history,
    table('assign-history', null,
      ['col.id', 'col.category', 'col.area', 'assign.outcome', 'assign.dispatched', 'assign.arrived', 'assign.finishedAt', 'assign.incidentStatus'], historyBody),
    historyMessage, more);
  historyPanel.querySelector('table').setAttribute('aria-labelledby', 'assign-history-title');
  main.append(el('section', { id: 'assignments' }, el('h2', { textContent: t('assign.title') }), picker, openPanel, historyPanel));

  async function loadOpen() {
    openBody.replaceChildren();
    openMessage.className = '';
    openMessage.textContent = '';
    try {
      const board = await get(path());
      if (stopped) return;
      for (const n of board.open ?? []) {
        openBody.append(el('tr', {},
          el('td', {}, incidentLink(n.incidentId)),
          el('td', { textContent: dir.categoryName[n.categoryCode] ?? n.categoryCode ?? '' }),
          el('td', { textContent: formatTime(n.dispatchedAt) }),
          el('td', { textContent: formatTime(n.onSiteDueAt) })));
      }
      if (!openBody.children.length) openMessage.textContent = t('assign.none');
    } catch (error) {
      openMessage.className = 'error';
      openMessage.textContent = error.message;
    }
  }

  let query = null;
  async function loadHistory(reset) {
    if (reset) { historyBody.replaceChildren(); query.pageToken = ''; }
    historyMessage.className = '';
    historyMessage.textContent = '';
    try {
      const page = await getPage(path(), query, p => p.finished);
      if (stopped) return;
      for (const r of page.finished ?? []) {
        const a = r.assignment ?? {};
        const status = a.status ?? '';
        historyBody.append(el('tr', { className: 'row' },
          el('td', {}, incidentLink(r.incidentId)),
          el('td', { textContent: dir.categoryName[r.categoryCode] ?? r.categoryCode ?? '' }),
          el('td', { textContent: area(r) }),
          el('td', { textContent: t(`assignment.${status}`) + (a.archived ? ` ${t('assign.archived')}` : '') }),
          el('td', { textContent: formatTime(a.dispatchedAt) }),
          el('td', { textContent: formatTime(a.arrivedAt) }),
          el('td', { textContent: formatTime(a.returnedAt ?? a.handledAt ?? r.closedAt) }),
          el('td', { textContent: t(`status.${r.incidentStatus}`) })));
      }
      more.hidden = !query.pageToken;
      if (!historyBody.children.length && !query.pageToken) historyMessage.textContent = t('assign.none');
    } catch (error) {
      historyMessage.className = 'error';
      historyMessage.textContent = error.message;
    }
  }

  history.addEventListener('submit', event => {
    event.preventDefault();
    const f = new FormData(history);
    query = { includeFinished: true, fromDay: f.get('fromDay'), toDay: f.get('toDay'), pageSize: 50 };
    loadHistory(true);
  });
  more.addEventListener('click', () => loadHistory(false));
  if (!own) {
    picker.querySelector('select').addEventListener('change', event => {
      department = event.target.value;
      loadOpen();
      history.requestSubmit();
    });
  }
  if (department) {
    loadOpen();
    history.requestSubmit();
  } else {
    openMessage.textContent = t('assign.none');
  }
  return () => { stopped = true; };
}
