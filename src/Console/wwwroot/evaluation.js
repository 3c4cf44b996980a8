// 考核 evaluation: Query.GetEvaluation for a day or a month (一月一考核) and a scope, ranked by 及时受理率 (then the
// other rates), with a CSV export of exactly what the table shows (UTF-8 with a byte-order mark, so spreadsheet
// programs read the Chinese names).
import { get } from './api.js';
import { t } from './i18n.js';
import { cityDay } from './time.js';

const SCOPES = ['GRID', 'COMMUNITY', 'DEPARTMENT', 'WORKER', 'DISPATCHER'];
const RATES = [['timelyAccept', 'eval.timelyAccept'], ['timelyAssign', 'eval.timelyAssign'], ['onTimeArrival', 'eval.onTimeArrival'],
  ['onTimeClose', 'eval.onTimeClose'], ['rework', 'eval.rework']];

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function percent(rate) {
  return rate && rate.denominator ? `${(rate.rate * 100).toFixed(1)}%` : '—';
}

function csvCell(text) {
  const s = String(text ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderEvaluation(main, ctx) {
  const dir = ctx.directory;
  const nameOf = (scope, id) => ({
    EVALUATION_SCOPE_GRID: dir.gridName, EVALUATION_SCOPE_COMMUNITY: dir.communityName, EVALUATION_SCOPE_DEPARTMENT: dir.departmentName,
  })[scope]?.[id] ?? id;
  const period = el('select', { id: 'eval-period', name: 'period' },
    el('option', { value: 'EVALUATION_PERIOD_DAY', textContent: t('eval.day') }),
    el('option', { value: 'EVALUATION_PERIOD_MONTH', textContent: t('eval.month') }));
  const date = el('input', { id: 'eval-date', name: 'date', value: cityDay(0), size: 10 });
  const scope = el('select', { id: 'eval-scope', name: 'scope' }, ...SCOPES.map(s => el('option', { value: `EVALUATION_SCOPE_${s}`, textContent: t(`eval.scope.${s}`) })));
  const exportButton = el('button', { type: 'button', className: 'act secondary', id: 'eval-export', textContent: t('eval.export'), disabled: true });
  const form = el('form', { className: 'filters panel', id: 'eval-filters' },
    el('label', { htmlFor: 'eval-period' }, t('eval.period'), period),
    el('label', { htmlFor: 'eval-date' }, t('eval.date'), date),
    el('label', { htmlFor: 'eval-scope' }, t('eval.scope'), scope),
    el('button', { type: 'submit', textContent: t('queue.apply') }), exportButton);
  period.addEventListener('change', () => { date.value = period.value.endsWith('MONTH') ? cityDay(0).slice(0, 7) : cityDay(0); });
  const headers = ['eval.rank', 'eval.name', 'eval.incidents', ...RATES.map(r => r[1])];
  const tbody = el('tbody');
  const table = el('table', { id: 'eval-table' }, el('caption', { textContent: t('eval.title') }),
    el('thead', {}, el('tr', {}, ...headers.map(k => el('th', { scope: 'col', textContent: t(k) })))), tbody);
  const message = el('p', { id: 'eval-message', role: 'status' });
  main.append(el('section', { id: 'evaluation' }, el('h2', { textContent: t('eval.title') }), form, el('div', { className: 'panel' }, table, message)));

  let lines = [];
  form.addEventListener('submit', async event => {
    event.preventDefault();
    message.textContent = '';
    message.className = '';
    try {
      const report = await get('/v1/evaluation', { period: period.value, date: date.value, scope: scope.value });
      const rows = [...(report.rows ?? [])].sort((a, b) =>
        (b.timelyAccept?.rate ?? 0) - (a.timelyAccept?.rate ?? 0) || (b.incidents ?? 0) - (a.incidents ?? 0) || String(a.id).localeCompare(String(b.id)));
      lines = rows.map((r, i) => [i + 1, nameOf(r.scope, r.id), r.incidents ?? 0, ...RATES.map(([k]) => percent(r[k]))]);
      if (report.total) lines.push([t('eval.total'), '', report.total.incidents ?? 0, ...RATES.map(([k]) => percent(report.total[k]))]);
      tbody.replaceChildren(...lines.map(cells => el('tr', {}, ...cells.map(c => el('td', { textContent: String(c) })))));
      exportButton.disabled = false;
    } catch (error) {
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = error.message;
      exportButton.disabled = true;
    }
  });
  exportButton.addEventListener('click', () => {
    const text = [headers.map(k => t(k)), ...lines].map(cells => cells.map(csvCell).join(',')).join('\r\n');
    const link = el('a', { href: URL.createObjectURL(new Blob(['\ufeff' + text + '\r\n'], { type: 'text/csv;charset=utf-8' })), download: `evaluation-${scope.value.replace('EVALUATION_SCOPE_', '').toLowerCase()}-${date.value}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  });
  form.requestSubmit();
  return () => {};
}
