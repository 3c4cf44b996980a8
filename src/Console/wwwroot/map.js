// 网格地图 map of grids: the city file's polygons drawn as SVG (no tiles: nothing is fetched from outside the silo),
// each grid coloured by its open incidents' worst state — red (a clock breached), yellow (past a warning), green (open,
// in time), grey (none) — and every open incident as a point, at its reported coordinates or, without them, near its
// grid's centroid, coloured by its own SLA state; a click on a point opens the incident. The incidents are the board's
// (live.js: Query.ListIncidents, then Query.WatchIncidents with rows), so the map follows every change live. A grid is a
// focusable control: click or Enter shows its grid workers and its open incidents.
//
// Thousands of points stay cheap: they are plain <circle>s in one <g> with one click listener; a change moves or
// recolours only its own circle, and the once-a-second repaint (a clock passing its warning or due time) touches only
// the circles and grids whose colour changed.
import { t } from './i18n.js';
import { now, syncFromRow } from './time.js';
import { followOpenIncidents } from './live.js';

const SVG = 'http://www.w3.org/2000/svg';
const RANK = { none: 0, ok: 1, warning: 2, breached: 3 };
const TERMINAL = new Set(['INCIDENT_STATUS_CLOSED', 'INCIDENT_STATUS_REJECTED', 'INCIDENT_STATUS_DUPLICATE', 'INCIDENT_STATUS_RETRACTED']);
const POINT_RADIUS = 4;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The state of an incident's running clock at a time: a suspended one counts as in time (its clock stands still). */
function stateOf(entry, at) {
  if (entry.due === null || entry.row.slaPaused) return 'ok';
  return at >= entry.due ? 'breached' : entry.warn !== null && at >= entry.warn ? 'warning' : 'ok';
}

/** The area centroid of a ring of [lon, lat] (the mean of its points when it has no area). */
function centroid(ring) {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    area += cross;
    cx += (ring[j][0] + ring[i][0]) * cross;
    cy += (ring[j][1] + ring[i][1]) * cross;
  }
  if (Math.abs(area) < 1e-12) {
    return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
  }
  return [cx / (3 * area), cy / (3 * area)];
}

/** A small offset from an id (the same on every render), so incidents placed at a grid's centroid do not all stack. */
function spread(id) {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  const angle = ((h >>> 0) % 360) * Math.PI / 180;
  const radius = 2 + ((h >>> 9) % 7);
  return [Math.cos(angle) * radius, Math.sin(angle) * radius];
}

export function renderMap(main, ctx) {
  const dir = ctx.directory;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('id', 'city-map');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', t('map.title'));
  const detail = el('section', { className: 'panel', id: 'map-detail', ariaLive: 'polite' }, el('p', { className: 'muted', textContent: t('map.pick') }));
  const legend = el('p', { className: 'legend' }, ...['breached', 'warning', 'ok', 'none'].map(s => el('span', { className: `key ${s}`, textContent: t(`map.${s}`) })),
    el('span', { className: 'muted', textContent: t('map.points') }));
  main.append(el('section', { id: 'map' }, el('h2', { textContent: t('map.title') }), legend,
    el('div', { className: 'map-layout' }, el('div', { className: 'panel' }, svg), detail)));

  // Equirectangular projection of the city's extent, longitudes shrunk by the cosine of the mean latitude.
  const corners = dir.grids.flatMap(g => g.ring ?? []);
  if (corners.length === 0) return () => {};
  const lons = corners.map(p => p[0]);
  const lats = corners.map(p => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const width = 1000;
  const height = Math.max(200, Math.round(width * (maxLat - minLat) / ((maxLon - minLon) * k)));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const x = lon => ((lon - minLon) / (maxLon - minLon)) * width;
  const y = lat => height - ((lat - minLat) / (maxLat - minLat)) * height;

  const entries = new Map();          // incident id -> { row, circle, grid, state, due, warn }
  const shapes = new Map();           // grid id -> { shape, title, grid, centre, state, ids }
  let shown = null;                   // the grid whose detail is open

  function show(grid) {
    shown = grid;
    const rows = [...(shapes.get(grid.id)?.ids ?? [])].map(id => entries.get(id).row);
    detail.replaceChildren(
      el('h3', { textContent: `${grid.name} (${grid.id})` }),
      el('p', { textContent: `${t('map.community')}: ${dir.communityName[grid.communityId] ?? grid.communityId}` }),
      el('p', { textContent: `${t('map.workers')}: ${(grid.workers ?? []).join('、') || '—'}` }),
      el('p', { textContent: `${t('board.total')}: ${rows.length}` }),
      el('ul', { id: 'map-incidents' }, ...rows.map(r => el('li', {}, el('a', { href: `#/incident/${encodeURIComponent(r.id)}`, textContent: r.id }),
        ` ${dir.categoryName[r.categoryCode] ?? r.categoryCode} · ${t(`status.${r.status}`)}`))));
  }

  for (const grid of dir.grids) {
    const shape = document.createElementNS(SVG, 'polygon');
    shape.setAttribute('points', (grid.ring ?? []).map(([lon, lat]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join(' '));
    shape.setAttribute('tabindex', '0');
    shape.setAttribute('role', 'button');
    shape.setAttribute('class', 'grid none');
    shape.dataset.grid = grid.id;
    shape.dataset.state = 'none';
    shape.addEventListener('click', () => show(grid));
    shape.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(grid); } });
    const title = document.createElementNS(SVG, 'title');
    title.textContent = grid.name;
    shape.append(title);
    svg.append(shape);
    const [cLon, cLat] = grid.ring?.length ? centroid(grid.ring) : [minLon, minLat];
    shapes.set(grid.id, { shape, title, grid, centre: [x(cLon), y(cLat)], state: 'none', ids: new Set() });
  }

  // Every point in one group above the grids, with one listener: a click on a point opens its incident.
  const points = document.createElementNS(SVG, 'g');
  points.setAttribute('id', 'map-points');
  points.addEventListener('click', event => {
    const id = event.target.dataset?.id;
    if (id) location.hash = `#/incident/${encodeURIComponent(id)}`;
  });
  svg.append(points);

  /** Where a row goes: its coordinates, else near its grid's centroid; null without either (an address only). */
  function place(row) {
    if (typeof row.longitude === 'number' && typeof row.latitude === 'number') return [x(row.longitude), y(row.latitude)];
    const shape = shapes.get(row.gridId);
    if (!shape) return null;
    const [dx, dy] = spread(row.id);
    return [shape.centre[0] + dx, shape.centre[1] + dy];
  }

  function remove(id) {
    const entry = entries.get(id);
    if (!entry) return;
    entry.circle.remove();
    shapes.get(entry.grid)?.ids.delete(id);
    entries.delete(id);
  }

  /** Adds or updates an incident's point (the fragment takes new circles during the first load: one insertion per page). */
  function upsert(row, fragment, at) {
    syncFromRow(row);
    const old = entries.get(row.id);
    if (old && Number(old.row.version) > Number(row.version)) return; // an older read than the one shown
    if (TERMINAL.has(row.status)) { remove(row.id); return; }
    const position = place(row);
    if (!position) { remove(row.id); return; }
    let entry = old;
    if (!entry) {
      const circle = document.createElementNS(SVG, 'circle');
      circle.setAttribute('r', String(POINT_RADIUS));
      circle.dataset.id = row.id;
      entry = { circle, grid: '', state: '' };
      entries.set(row.id, entry);
      (fragment ?? points).append(circle);
    }
    if (entry.grid !== row.gridId) {
      shapes.get(entry.grid)?.ids.delete(row.id);
      shapes.get(row.gridId)?.ids.add(row.id);
      entry.grid = row.gridId;
    }
    entry.row = row;
    entry.due = row.slaDueAt ? Date.parse(row.slaDueAt) : null;
    entry.warn = row.slaWarningAt ? Date.parse(row.slaWarningAt) : null;
    entry.circle.setAttribute('cx', position[0].toFixed(1));
    entry.circle.setAttribute('cy', position[1].toFixed(1));
    paintPoint(entry, at);
  }

  function paintPoint(entry, at) {
    const state = stateOf(entry, at);
    if (state !== entry.state) {
      entry.state = state;
      entry.circle.setAttribute('class', `pt ${state}`);
      entry.circle.dataset.state = state;
    }
  }

  /** Colours each grid by its worst open incident; touches only the grids whose colour changed. */
  function paintGrids() {
    for (const shape of shapes.values()) {
      let worst = 'none';
      for (const id of shape.ids) {
        const state = entries.get(id).state;
        if (RANK[state] > RANK[worst]) worst = state;
      }
      const count = shape.ids.size;
      if (worst !== shape.state || count !== shape.count) {
        shape.state = worst;
        shape.count = count;
        shape.shape.setAttribute('class', `grid ${worst}`);
        shape.shape.dataset.state = worst;
        shape.shape.setAttribute('aria-label', `${shape.grid.name}: ${count} · ${t(`map.${worst}`)}`);
        shape.title.textContent = `${shape.grid.name}: ${count}`;
      }
    }
  }

  let loaded = false;
  const stopFollowing = followOpenIncidents({
    onPage(rows) {
      const fragment = document.createDocumentFragment();
      const at = now();
      for (const row of rows) upsert(row, fragment, at);
      points.append(fragment);
    },
    onChanges(changes) {
      const at = now();
      let touched = false;
      for (const [id, row] of changes) {
        if (shown && (entries.get(id)?.grid === shown.id || row?.gridId === shown.id)) touched = true;
        if (row) upsert(row, null, at); else remove(id);
      }
      paintGrids();
      if (touched) show(shown);
    },
    onLoaded() {
      paintGrids();
      loaded = true;
      svg.dataset.loaded = 'true';
      requestAnimationFrame(() => performance.mark('citybrain:map:loaded'));
    },
    onError(error) {
      detail.replaceChildren(el('p', { className: 'error', role: 'alert', textContent: error.message }));
    },
  });

  // Clocks pass their warning and due times without any change: repaint what they moved, once a second.
  const timer = setInterval(() => {
    if (!loaded) return;
    const at = now();
    for (const entry of entries.values()) paintPoint(entry, at);
    paintGrids();
  }, 1000);

  return () => {
    clearInterval(timer);
    stopFollowing();
  };
}
