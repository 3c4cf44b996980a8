// 演练 drills: the list of drills (Drills.ListDrills: running and finished, newest first) with stop and cancel buttons
// for the roles that may (dispatcher, admin; each asks to confirm first), start a scenario (a deploy/drills file, chosen
// or pasted) with Drills.StartDrill, follow a drill live (the watch feed's changes of its exercise incidents trigger a
// re-read of its status and report, and of the list: no polling), and read its report — each department's accept /
// assign / arrive times against the SLA — as a table and a bar chart.
import { get, post, watch } from './api.js';
import { t } from './i18n.js';
import { formatTime } from './time.js';

const SVG = 'http://www.w3.org/2000/svg';

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function seconds(ms) {
  return Number(ms) < 0 ? '—' : `${(Number(ms) / 1000).toFixed(0)} s`;
}

/** One bar per step and department: its time as a share of the target (capped at 150 %), red when missed. */
function chart(results) {
  const steps = [['acceptMs', 'acceptTargetMs', 'acceptMet', 'drill.accept'], ['assignMs', 'assignTargetMs', 'assignMet', 'drill.assign'],
    ['arriveMs', 'arriveTargetMs', 'arriveMet', 'drill.arrive']];
  const rowHeight = 18;
  const svg = document.createElementNS(SVG, 'svg');
  const height = results.length * steps.length * rowHeight + 30;
  svg.setAttribute('viewBox', `0 0 700 ${height}`);
  svg.setAttribute('id', 'drill-chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('drill.chart'));
  const text = (x, y, content, anchor = 'start') => {
    const node = document.createElementNS(SVG, 'text');
    node.setAttribute('x', x); node.setAttribute('y', y); node.setAttribute('font-size', '11'); node.setAttribute('text-anchor', anchor);
    node.textContent = content;
    svg.append(node);
  };
  const target = document.createElementNS(SVG, 'line');
  target.setAttribute('x1', '460'); target.setAttribute('x2', '460'); target.setAttribute('y1', '0'); target.setAttribute('y2', String(height - 20));
  target.setAttribute('stroke', '#12263a'); target.setAttribute('stroke-dasharray', '4 3');
  svg.append(target);
  text(460, height - 6, t('drill.target'), 'middle');
  let y = 0;
  for (const r of results) {
    for (const [ms, targetMs, met, label] of steps) {
      const value = Number(r[ms] ?? -1);
      const share = value < 0 ? 0 : Math.min(1.5, value / Math.max(1, Number(r[targetMs] ?? 1)));
      text(0, y + 13, `${r.departmentId || r.scenarioEventId} · ${t(label)}`);
      const bar = document.createElementNS(SVG, 'rect');
      bar.setAttribute('x', '220'); bar.setAttribute('y', String(y + 3)); bar.setAttribute('height', '12');
      bar.setAttribute('width', String(Math.max(1, share * 240)));
      bar.setAttribute('fill', value < 0 ? '#c9d3dc' : r[met] ? '#1b7a3a' : '#c62828');
      svg.append(bar);
      text(220 + Math.max(1, share * 240) + 4, y + 13, seconds(value));
      y += rowHeight;
    }
  }
  return svg;
}

export function renderDrills(main, ctx) {
  const mayStart = ctx.identity.role === 'dispatcher' || ctx.identity.role === 'admin';
  const file = el('input', { type: 'file', id: 'drill-file', accept: '.yaml,.yml,.json' });
  const text = el('textarea', { id: 'drill-text', rows: 8, cols: 80, spellcheck: false });
  const start = el('button', { type: 'submit', id: 'drill-start', textContent: t('drill.start') });
  const openId = el('input', { id: 'drill-id', size: 30 });
  const message = el('p', { id: 'drill-message', role: 'status' });
  const status = el('section', { className: 'panel', id: 'drill-status' });
  const report = el('section', { className: 'panel', id: 'drill-report' });
  let fileName = 'scenario.yaml';
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) { fileName = chosen.name; text.value = await chosen.text(); }
  });
  const startForm = el('form', { className: 'panel', id: 'drill-form' }, el('h3', { textContent: t('drill.new') }),
    el('label', { className: 'field', htmlFor: 'drill-file' }, t('drill.file'), file),
    el('label', { className: 'field', htmlFor: 'drill-text' }, t('drill.text'), text), el('p', {}, start));
  const openForm = el('form', { className: 'filters panel', id: 'drill-open' },
    el('label', { htmlFor: 'drill-id' }, t('drill.id'), openId), el('button', { type: 'submit', textContent: t('drill.open') }));
  const listBody = el('tbody');
  const listMore = el('button', { type: 'button', className: 'act secondary', id: 'drill-more', textContent: t('drill.more'), hidden: true });
  const listEmpty = el('p', { className: 'muted', id: 'drill-none', textContent: t('drill.none'), hidden: true });
  const listTable = el('table', { id: 'drill-list' }, el('caption', { textContent: t('drill.list') }),
    el('thead', {}, el('tr', {}, ...['drill.name', 'drill.state', 'drill.started', 'drill.startedBy', 'drill.injected', 'incident.actions']
      .map(k => el('th', { scope: 'col', textContent: t(k) })))), listBody);
  const listPanel = el('section', { className: 'panel' }, listTable, listEmpty, listMore);

  // Stop and cancel ask first (a modal dialog: focus stays in it, Esc backs out), with an optional reason.
  const confirmText = el('p', { id: 'drill-confirm-text' });
  const reason = el('input', { id: 'drill-reason', size: 40, maxLength: 1000 });
  const confirmYes = el('button', { type: 'submit', id: 'drill-confirm-yes', className: 'act', value: 'yes' });
  const confirmNo = el('button', { type: 'button', id: 'drill-confirm-no', className: 'act secondary', textContent: t('drill.back') });
  const dialog = el('dialog', { id: 'drill-confirm' }, el('form', { method: 'dialog' }, confirmText,
    el('label', { className: 'field', htmlFor: 'drill-reason' }, t('drill.reason'), reason), el('p', { className: 'actions' }, confirmYes, confirmNo)));
  dialog.setAttribute('aria-labelledby', 'drill-confirm-text');
  confirmNo.addEventListener('click', () => dialog.close('no'));

  main.append(el('section', { id: 'drills' }, el('h2', { textContent: t('drill.title') }), listPanel, ...(mayStart ? [startForm] : []), openForm, message, status, report, dialog));

  let current = '';
  let refreshing = null;
  async function refresh() {
    if (!current) return;
    try {
      const [s, r] = await Promise.all([get(`/v1/drills/${encodeURIComponent(current)}`), get(`/v1/drills/${encodeURIComponent(current)}/report`)]);
      status.dataset.state = s.state;
      status.replaceChildren(el('h3', { textContent: `${s.name} (${s.drillId})` }),
        el('p', { textContent: `${t('drill.state')}: ${t(`drill.${s.state}`)} · ${t('drill.injected')} ${s.eventsInjected ?? 0} / ${s.eventsTotal ?? 0}` }),
        ...(s.stoppedAt ? [el('p', { id: 'drill-stopped', textContent: stoppedText(s) })] : []),
        el('p', {}, ...(s.incidentIds ?? []).flatMap((id, i) => [i ? ' ' : '', el('a', { href: `#/incident/${encodeURIComponent(id)}`, textContent: id })])));
      const results = r.results ?? [];
      const head = ['col.department', 'col.id', 'drill.accept', 'drill.assign', 'drill.arrive'];
      report.replaceChildren(el('h3', { textContent: `${t('drill.report')} · ${t('drill.onTime')} ${r.departmentsOnTime ?? 0} · ${t('drill.late')} ${r.departmentsLate ?? 0} · ${t('drill.returned')} ${r.departmentsReturned ?? 0}` }),
        el('table', { id: 'drill-results' }, el('thead', {}, el('tr', {}, ...head.map(k => el('th', { scope: 'col', textContent: t(k) })))),
          el('tbody', {}, ...results.map(x => el('tr', {},
            el('td', { textContent: ctx.directory.departmentName[x.departmentId] ?? x.departmentId }),
            el('td', { textContent: x.scenarioEventId }),
            el('td', { textContent: `${seconds(x.acceptMs)} / ${seconds(x.acceptTargetMs)}` }),
            el('td', { textContent: `${seconds(x.assignMs)} / ${seconds(x.assignTargetMs)}` }),
            el('td', { textContent: `${seconds(x.arriveMs)} / ${seconds(x.arriveTargetMs)}` }))))),
        chart(results));
    } catch (error) {
      message.className = 'error';
      message.textContent = error.message;
    }
  }
  const soon = () => { if (!refreshing) refreshing = setTimeout(() => { refreshing = null; refresh(); loadList(true); }, 250); };

  function stoppedText(s) {
    return `${t(s.state === 'DRILL_STATE_CANCELLED' ? 'drill.cancelledBy' : 'drill.stoppedBy')} ${s.stoppedBy} · ${formatTime(s.stoppedAt)}`
      + (s.stopReason ? ` · ${s.stopReason}` : '')
      + (s.state === 'DRILL_STATE_CANCELLED' ? ` · ${t('drill.closed')} ${s.incidentsClosed ?? 0}` : '');
  }

  /** Asks to confirm, then stops or cancels the drill through the API; a refusal shows the API's message. */
  async function act(s, action) {
    confirmText.textContent = `${t(`drill.confirm.${action}`)} ${s.name} (${s.drillId})`;
    confirmYes.textContent = t(`drill.${action}`);
    confirmYes.dataset.action = action;
    reason.value = '';
    const answer = await new Promise(resolve => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
      dialog.returnValue = '';
      dialog.showModal();
    });
    if (answer !== 'yes') return;
    message.className = '';
    message.textContent = '';
    try {
      const done = await post(`/v1/drills/${encodeURIComponent(s.drillId)}:${action}`, { reason: reason.value.trim() });
      message.className = 'ok-msg';
      message.textContent = `${t(`drill.done.${action}`)}: ${done.drillId}`;
      current = done.drillId;
      openId.value = current;
    } catch (error) {
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = `${t('incident.refused')}: ${error.message}`;
    }
    loadList(true);
    refresh();
  }

  function listRow(s) {
    const button = (label, className, onClick, action = '') => {
      const b = el('button', { type: 'button', className, textContent: t(label) });
      b.setAttribute('aria-label', `${t(label)} ${s.name} (${s.drillId})`);
      if (action) b.dataset.action = action;
      b.addEventListener('click', onClick);
      return b;
    };
    const buttons = [button('drill.open', 'act secondary', () => { current = s.drillId; openId.value = current; refresh(); })];
    // Stop while it injects; cancel until it is cancelled (the API would cancel again, retracting what is still open,
    // but there is nothing left for the console to offer).
    if (mayStart && s.state === 'DRILL_STATE_RUNNING') buttons.push(button('drill.stop', 'act', () => act(s, 'stop'), 'stop'));
    if (mayStart && s.state !== 'DRILL_STATE_CANCELLED') buttons.push(button('drill.cancel', 'act danger', () => act(s, 'cancel'), 'cancel'));
    const tr = el('tr', {},
      el('td', {}, el('span', { textContent: s.name }), el('br'), el('small', { className: 'muted', textContent: s.drillId })),
      el('td', { className: 'drill-state', textContent: t(`drill.${s.state}`) }),
      el('td', { textContent: formatTime(s.startedAt) }),
      el('td', { textContent: s.startedBy || '—' }),
      el('td', { textContent: `${s.eventsInjected ?? 0} / ${s.eventsTotal ?? 0}` }),
      el('td', {}, el('span', { className: 'actions' }, ...buttons)));
    tr.dataset.id = s.drillId;
    tr.dataset.state = s.state;
    if (s.stoppedAt) tr.title = stoppedText(s);
    return tr;
  }

  // The list, page by page (newest first); reloaded from the top after an action or a change of a drill incident.
  let listToken = '';
  let listing = null;
  async function loadList(reset) {
    if (listing) { await listing; if (!reset) return; }
    listing = (async () => {
      try {
        const page = await get('/v1/drills', { pageSize: 20, pageToken: reset ? '' : listToken });
        const rows = (page.drills ?? []).map(listRow);
        if (reset) listBody.replaceChildren(...rows); else listBody.append(...rows);
        listToken = page.nextPageToken ?? '';
        listMore.hidden = !listToken;
        listEmpty.hidden = listBody.childElementCount > 0;
        listTable.dataset.loaded = 'true';
      } catch (error) {
        message.className = 'error';
        message.textContent = error.message;
      } finally {
        listing = null;
      }
    })();
    await listing;
  }
  listMore.addEventListener('click', () => loadList(false));
  loadList(true);

  startForm.addEventListener('submit', async event => {
    event.preventDefault();
    message.className = '';
    message.textContent = '';
    try {
      const s = await post('/v1/drills', { scenarioText: text.value, fileName });
      current = s.drillId;
      openId.value = current;
      refresh();
      loadList(true);
    } catch (error) {
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = `${t('incident.refused')}: ${error.message}`;
    }
  });
  openForm.addEventListener('submit', event => { event.preventDefault(); current = openId.value.trim(); refresh(); });

  // Live: a change of a drill's incident re-reads the list, and the open drill's status and report.
  const stopWatch = watch({ fromNow: true }, batch => {
    if ((batch.changes ?? []).some(c => c.drillId)) soon();
  });
  return () => { stopWatch(); clearTimeout(refreshing); };
}
