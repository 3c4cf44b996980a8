// 工单详情 incident page: details, location, channel, the journal as a timeline (who, when, why), linked and duplicate
// incidents, and the actions the signed-in role may take. Each action is one call of the API's JSON route; the API
// decides (role, jurisdiction, own assignment, state) and a refusal shows its message. The buttons offered follow the
// API's rules so a viewer sees none, but they are a convenience: the API is the authority.
import { get, post } from './api.js';
import { t } from './i18n.js';
import { formatTime, formatLeft, now, syncFromRow } from './time.js';

const OPEN = ['INCIDENT_STATUS_ACCEPTED', 'INCIDENT_STATUS_ASSIGNED', 'INCIDENT_STATUS_ON_SITE', 'INCIDENT_STATUS_HANDLED', 'INCIDENT_STATUS_VERIFIED'];

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The incident-wide actions a role may offer in a status (the per-assignment ones are with the assignments). */
function actionsFor(role, status) {
  const dispatcher = role === 'dispatcher' || role === 'admin';
  const list = [];
  if (dispatcher) {
    if (status === 'INCIDENT_STATUS_REPORTED') list.push('accept', 'reject', 'markDuplicate');
    if (status === 'INCIDENT_STATUS_ACCEPTED') list.push('assign', 'markDuplicate');
    if (status === 'INCIDENT_STATUS_HANDLED') list.push('verify', 'verifyFail');
    if (status === 'INCIDENT_STATUS_VERIFIED') list.push('close');
    if (status === 'INCIDENT_STATUS_CLOSED') list.push('reopen');
    if (OPEN.includes(status)) list.push('suspend');
    if (status === 'INCIDENT_STATUS_SUSPENDED') list.push('resume');
    if (status === 'INCIDENT_STATUS_REPORTED' || OPEN.includes(status) || status === 'INCIDENT_STATUS_SUSPENDED') list.push('escalate');
  } else if (role === 'worker' && status === 'INCIDENT_STATUS_HANDLED') {
    list.push('verify', 'verifyFail');
  } else if (role === 'feed' && status === 'INCIDENT_STATUS_CLOSED') {
    list.push('reopen');
  }
  return list;
}

function assignmentActions(role, dept, assignment) {
  const mine = role === 'department' && dept === assignment.departmentId;
  const dispatcher = role === 'dispatcher' || role === 'admin';
  if ((!mine && !dispatcher) || assignment.archived) return [];
  if (assignment.status === 'ASSIGNMENT_STATUS_DISPATCHED') return ['confirmArrival', 'returnAssignment'];
  if (assignment.status === 'ASSIGNMENT_STATUS_ON_SITE') return ['handle', 'returnAssignment'];
  return [];
}

function eventKind(e) {
  const kinds = ['reported', 'accepted', 'rejected', 'assigned', 'arrivalConfirmed', 'handled', 'verified', 'closed', 'assignmentReturned',
    'reopened', 'suspended', 'resumed', 'escalated', 'markedDuplicate', 'duplicateAbsorbed', 'alertMerged', 'alertRetracted', 'slaWarned', 'slaBreached',
    'noteAdded'];
  return kinds.find(k => e[k] !== undefined) ?? 'event';
}

/** Who may write a note (Dispatch.AddNote): the center, a department on the incident (it reads only those), a grid
 * worker in its grids (it reads only those). The API decides; this only spares the others a box they cannot use. */
const NOTE_ROLES = ['dispatcher', 'admin', 'department', 'worker'];

/** A note's attachments as links: a uri as it is (http(s) only), inline data as a download. */
function attachmentLinks(attachments) {
  return (attachments ?? []).map(a => {
    const name = a.name || 'attachment';
    if (a.uri && /^https?:\/\//i.test(a.uri)) return el('a', { href: a.uri, textContent: name, target: '_blank', rel: 'noopener noreferrer' });
    if (a.data) {
      const bytes = Uint8Array.from(atob(a.data), c => c.charCodeAt(0));
      return el('a', { href: URL.createObjectURL(new Blob([bytes], { type: a.contentType || 'application/octet-stream' })), download: name, textContent: name });
    }
    return el('span', { textContent: name });
  });
}

/** A file as an Attachment with inline data (base64, as JSON carries bytes). */
async function fileAttachment(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { name: file.name, contentType: file.type || 'application/octet-stream', data: btoa(binary) };
}

export function renderIncident(main, ctx, id) {
  const { role, dept } = ctx.identity;
  const dir = ctx.directory;
  const section = el('section', { id: 'incident' });
  main.append(section);
  let stopped = false;

  async function load(notice) {
    let detail;
    try {
      detail = await get(`/v1/incidents/${encodeURIComponent(id)}`);
    } catch (error) {
      section.replaceChildren(el('h2', { textContent: `${t('incident.title')} ${id}` }), el('p', { className: 'error', role: 'alert', textContent: error.message }));
      return;
    }
    if (stopped) return;
    const i = detail.incident;
    const row = detail.summary ?? {};
    syncFromRow(row);
    const left = row.slaDueAt ? (row.slaPaused ? Number(row.slaRemainingMs) : Date.parse(row.slaDueAt) - now()) : null;
    const loc = i.location ?? {};
    const facts = el('dl', { className: 'facts' });
    const fact = (k, v) => facts.append(el('dt', { textContent: t(k) }), el('dd', { textContent: v || '—' }));
    fact('col.status', t(`status.${i.status}`));
    fact('col.category', `${i.categoryCode} ${dir.categoryName[i.categoryCode] ?? ''}`);
    fact('incident.severity', (i.severity ?? '').replace('SEVERITY_', ''));
    fact('incident.channel', `${i.source} · ${i.sourceEventId}${i.video ? ' · video ' + (i.video.cameraId ?? '') : ''}`);
    fact('incident.reporter', i.reporter ? [i.reporter.name, i.reporter.phone].filter(Boolean).join(' ') : '');
    fact('incident.description', i.description);
    fact('incident.location', `${loc.address ?? ''} (${loc.longitude ?? '?'}, ${loc.latitude ?? '?'}) · ${dir.gridName[i.gridId] ?? i.gridId} / ${dir.communityName[i.communityId] ?? i.communityId} / ${i.streetId}`);
    fact('col.reported', formatTime(i.reportedAt));
    fact('col.left', left === null ? '' : `${t('clock.' + ({ SLA_CLOCK_KIND_ACCEPT: 'accept', SLA_CLOCK_KIND_ASSIGN: 'assign', SLA_CLOCK_KIND_ON_SITE: 'onSite', SLA_CLOCK_KIND_RESOLVE: 'resolve' })[row.slaClock])} ${formatLeft(left)} (${formatTime(row.slaDueAt)})`);
    fact('col.level', t(`level.${i.escalationLevel ?? 0}`));

    // Actions.
    const message = el('p', { id: 'action-result', role: 'status', ariaLive: 'polite' });
    if (notice) { message.className = 'ok-msg'; message.textContent = notice; }
    const reason = el('input', { id: 'reason', name: 'reason', size: 40 });
    const run = async (action, path, body) => {
      message.className = '';
      message.textContent = '';
      try {
        await post(`/v1/incidents/${encodeURIComponent(id)}:${path}`, { reason: reason.value, ...body });
        await load(`${t('incident.done')}: ${t('action.' + action)}`);
      } catch (error) {
        message.className = 'error';
        message.setAttribute('role', 'alert');
        message.textContent = `${t('incident.refused')}: ${error.message}`;
      }
    };
    const button = (action, onClick, secondary = false) => {
      const b = el('button', { type: 'button', className: `act${secondary ? ' secondary' : ''}`, textContent: t(`action.${action}`) });
      b.dataset.action = action;
      b.addEventListener('click', onClick);
      return b;
    };
    const actionsPanel = el('section', { className: 'panel', id: 'actions', ariaLabel: t('incident.actions') }, el('h3', { textContent: t('incident.actions') }));
    const offered = actionsFor(role, i.status);
    const buttons = el('div', { className: 'actions' });
    let departmentsBox = null;
    let duplicateInput = null;
    for (const action of offered) {
      if (action === 'assign') {
        departmentsBox = el('fieldset', { className: 'depts', id: 'assign-departments' }, el('legend', { textContent: t('incident.departments') }));
        const suggested = i.suggestedDepartments?.length ? i.suggestedDepartments : dir.categoryDepartments[i.categoryCode] ?? [];
        for (const d of dir.departments) {
          const box = el('input', { type: 'checkbox', value: d.id, id: `dept-${d.id}`, checked: suggested[0] === d.id || (i.linkage && suggested.includes(d.id)) });
          departmentsBox.append(el('label', { htmlFor: `dept-${d.id}` }, box, ` ${d.name}`));
        }
        buttons.append(button('assign', () => {
          const chosen = [...departmentsBox.querySelectorAll('input:checked')].map(b => b.value);
          if (chosen.length > 1) run('assign', 'dispatchLinkage', { departmentIds: chosen });
          else run('assign', 'assign', { departmentId: chosen[0] ?? '' });
        }));
      } else if (action === 'markDuplicate') {
        duplicateInput = el('input', { id: 'duplicate-of', size: 24 });
        buttons.append(button('markDuplicate', () => run('markDuplicate', 'markDuplicate', { duplicateOf: duplicateInput.value.trim() }), true));
      } else if (action === 'verify') {
        buttons.append(button('verify', () => run('verify', 'verify', { passed: true })));
      } else if (action === 'verifyFail') {
        buttons.append(button('verifyFail', () => run('verifyFail', 'verify', { passed: false }), true));
      } else {
        const secondary = ['reject', 'suspend', 'escalate'].includes(action);
        buttons.append(button(action, () => run(action, action), secondary));
      }
    }

    // Assignments, with each department's actions (the department itself, or a dispatcher naming it).
    const assignmentRows = (i.assignments ?? []).map(a => {
      const acts = assignmentActions(role, dept, a).map(action =>
        button(action, () => run(action, action, { departmentId: a.departmentId }), action === 'returnAssignment'));
      acts.forEach(b => { b.dataset.department = a.departmentId; });
      return el('tr', {},
        el('td', { textContent: dir.departmentName[a.departmentId] ?? a.departmentId }),
        el('td', { textContent: (a.status ?? '').replace('ASSIGNMENT_STATUS_', '') + (a.archived ? ' (archived)' : '') }),
        el('td', { textContent: formatTime(a.dispatchedAt) }),
        el('td', { textContent: formatTime(a.arrivedAt) }),
        el('td', {}, ...acts));
    });
    const anyAction = offered.length > 0 || assignmentRows.some(r => r.querySelector('button'));
    if (anyAction) {
      actionsPanel.append(el('label', { className: 'field', htmlFor: 'reason' }, t('incident.reason'), reason));
      if (departmentsBox) actionsPanel.append(departmentsBox);
      if (duplicateInput) actionsPanel.append(el('label', { className: 'field', htmlFor: 'duplicate-of' }, t('incident.duplicateTarget'), duplicateInput));
      actionsPanel.append(buttons);
    } else {
      actionsPanel.append(el('p', { className: 'muted', id: 'no-actions', textContent: t('incident.noActions') }));
    }
    actionsPanel.append(message);

    const assignments = el('section', { className: 'panel' }, el('table', { id: 'assignments' },
      el('caption', { textContent: t('incident.assignments') }),
      el('thead', {}, el('tr', {}, ...['col.department', 'col.status', 'action.assign', 'action.confirmArrival', 'incident.actions'].map(k => el('th', { scope: 'col', textContent: t(k) })))),
      el('tbody', {}, ...assignmentRows)));

    const link = other => el('a', { href: `#/incident/${encodeURIComponent(other)}`, textContent: other });
    const linked = el('section', { className: 'panel', id: 'linked' }, el('h3', { textContent: t('incident.linked') }));
    if (i.duplicateOf) linked.append(el('p', {}, `${t('incident.duplicateOf')}: `, link(i.duplicateOf)));
    if (i.duplicates?.length) linked.append(el('p', {}, `${t('incident.duplicates')}: `, ...i.duplicates.flatMap((d, n) => n ? [' ', link(d)] : [link(d)])));
    if (!i.duplicateOf && !i.duplicates?.length) linked.append(el('p', { className: 'muted', textContent: '—' }));

    const timeline = el('ol', { className: 'timeline', id: 'journal' });
    for (const entry of detail.journal?.entries ?? []) {
      const e = entry.event;
      const who = e.actor ? `${e.actor.userId} (${t('role.' + (e.actor.role ?? '').replace('ROLE_', '').toLowerCase())}${e.actor.departmentId ? ' · ' + e.actor.departmentId : ''})` : '';
      const item = el('li', {},
        el('span', { className: 'when', textContent: formatTime(e.at) }),
        el('strong', { textContent: t(`event.${eventKind(e)}`) }), ` · ${who}`, e.reason ? ` — ${e.reason}` : '');
      if (e.noteAdded) {
        item.classList.add('note');
        item.append(el('p', { className: 'note-text', textContent: e.noteAdded.text ?? '' }));
        const links = attachmentLinks(e.noteAdded.attachments);
        if (links.length) item.append(el('p', { className: 'note-files' }, `${t('incident.attachments')}: `, ...links.flatMap((a, n) => n ? ['、', a] : [a])));
      }
      timeline.append(item);
    }

    // 备注: a note on the journal without a state change (Dispatch.AddNote), also on a closed incident (回访).
    let notePanel = null;
    if (NOTE_ROLES.includes(role)) {
      const noteText = el('textarea', { id: 'note-text', name: 'text', rows: 3, cols: 50, maxLength: 2000, required: true });
      const noteLink = el('input', { id: 'note-link', name: 'link', type: 'url', size: 40, placeholder: 'https://…' });
      const noteFile = el('input', { id: 'note-file', name: 'file', type: 'file' });
      const noteMessage = el('p', { id: 'note-result', role: 'status', ariaLive: 'polite' });
      const noteButton = button('addNote', async () => {
        noteMessage.className = '';
        noteMessage.textContent = '';
        try {
          const attachments = [];
          const link = noteLink.value.trim();
          if (link) attachments.push({ name: link.split(/[?#]/)[0].split('/').pop() || 'link', uri: link });
          for (const file of noteFile.files ?? []) attachments.push(await fileAttachment(file));
          await post(`/v1/incidents/${encodeURIComponent(id)}/notes`, { text: noteText.value, attachments });
          await load(`${t('incident.done')}: ${t('action.addNote')}`);
        } catch (error) {
          noteMessage.className = 'error';
          noteMessage.setAttribute('role', 'alert');
          noteMessage.textContent = `${t('incident.refused')}: ${error.message}`;
        }
      });
      notePanel = el('section', { className: 'panel', id: 'note', ariaLabel: t('incident.note') },
        el('h3', { textContent: t('incident.note') }),
        el('label', { className: 'field', htmlFor: 'note-text' }, t('incident.noteText'), noteText),
        el('label', { className: 'field', htmlFor: 'note-link' }, t('incident.noteLink'), noteLink),
        el('label', { className: 'field', htmlFor: 'note-file' }, t('incident.noteFile'), noteFile),
        el('div', { className: 'actions' }, noteButton), noteMessage);
    }

    section.replaceChildren(
      el('p', {}, el('a', { href: '#/board', textContent: `← ${t('incident.back')}` })),
      el('h2', { textContent: `${t('incident.title')} ${i.id}` }),
      el('div', { className: 'side' },
        el('section', { className: 'panel', ariaLabel: t('incident.details') }, el('h3', { textContent: t('incident.details') }), facts),
        actionsPanel),
      assignments, linked,
      ...(notePanel ? [notePanel] : []),
      el('section', { className: 'panel', ariaLabel: t('incident.journal') }, el('h3', { textContent: t('incident.journal') }), timeline));
    section.dataset.status = i.status;
    section.dataset.version = String(i.version);
  }

  load();
  return () => { stopped = true; };
}
