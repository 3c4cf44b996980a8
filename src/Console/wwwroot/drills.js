// 演练 drills: start a scenario (a deploy/drills file, chosen or pasted) with Drills.StartDrill, follow it live (the
// watch feed's changes of its exercise incidents trigger a re-read of its status and report: no polling), and read its
// report — each department's accept / assign / arrive times against the SLA — as a table and a bar chart.
import { get, post, watch } from './api.js';
import { t } from './i18n.js';

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
  main.append(el('section', { id: 'drills' }, el('h2', { textContent: t('drill.title') }), ...(mayStart ? [startForm] : []), openForm, message, status, report));

  let current = '';
  let refreshing = null;
  async function refresh() {
    if (!current) return;
    try {
      const [s, r] = await Promise.all([get(`/v1/drills/${encodeURIComponent(current)}`), get(`/v1/drills/${encodeURIComponent(current)}/report`)]);
      status.dataset.state = s.state;
      status.replaceChildren(el('h3', { textContent: `${s.name} (${s.drillId})` }),
        el('p', { textContent: `${t('drill.state')}: ${t(`drill.${s.state}`)} · ${t('drill.injected')} ${s.eventsInjected ?? 0} / ${s.eventsTotal ?? 0}` }),
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
  const soon = () => { if (!refreshing) refreshing = setTimeout(() => { refreshing = null; refresh(); }, 250); };

  startForm.addEventListener('submit', async event => {
    event.preventDefault();
    message.className = '';
    message.textContent = '';
    try {
      const s = await post('/v1/drills', { scenarioText: text.value, fileName });
      current = s.drillId;
      openId.value = current;
      refresh();
    } catch (error) {
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = `${t('incident.refused')}: ${error.message}`;
    }
  });
  openForm.addEventListener('submit', event => { event.preventDefault(); current = openId.value.trim(); refresh(); });

  // Live: a change of one of this drill's incidents re-reads its status and report.
  const stopWatch = watch({ fromNow: true }, batch => {
    if ((batch.changes ?? []).some(c => current && c.drillId === current)) soon();
  });
  return () => { stopWatch(); clearTimeout(refreshing); };
}
