// 网格地图 map of grids: the city file's polygons drawn as SVG (no tiles: nothing is fetched from outside the silo),
// each grid coloured by its open incidents' worst state — red (a clock breached), yellow (past a warning), green (open,
// in time), grey (none) — from Query.ListIncidents (open only). A grid is a focusable control: click or Enter shows
// its grid workers and its open incidents.
import { get } from './api.js';
import { t } from './i18n.js';
import { cityDay, now, syncFromRow } from './time.js';

const SVG = 'http://www.w3.org/2000/svg';
const RANK = { none: 0, ok: 1, warning: 2, breached: 3 };

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function stateOf(row, at) {
  if (!row.slaDueAt || row.slaPaused) return 'ok';
  const due = Date.parse(row.slaDueAt);
  return at >= due ? 'breached' : at >= Date.parse(row.slaWarningAt) ? 'warning' : 'ok';
}

export function renderMap(main, ctx) {
  const dir = ctx.directory;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('id', 'city-map');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', t('map.title'));
  const detail = el('section', { className: 'panel', id: 'map-detail', ariaLive: 'polite' }, el('p', { className: 'muted', textContent: t('map.pick') }));
  const legend = el('p', { className: 'legend' }, ...['breached', 'warning', 'ok', 'none'].map(s => el('span', { className: `key ${s}`, textContent: t(`map.${s}`) })));
  main.append(el('section', { id: 'map' }, el('h2', { textContent: t('map.title') }), legend,
    el('div', { className: 'map-layout' }, el('div', { className: 'panel' }, svg), detail)));

  // Equirectangular projection of the city's extent, longitudes shrunk by the cosine of the mean latitude.
  const points = dir.grids.flatMap(g => g.ring ?? []);
  if (points.length === 0) return () => {};
  const lons = points.map(p => p[0]);
  const lats = points.map(p => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const width = 1000;
  const height = Math.max(200, Math.round(width * (maxLat - minLat) / ((maxLon - minLon) * k)));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const x = lon => ((lon - minLon) / (maxLon - minLon)) * width;
  const y = lat => height - ((lat - minLat) / (maxLat - minLat)) * height;

  const byGrid = new Map();
  const shapes = new Map();
  function show(grid) {
    const rows = byGrid.get(grid.id) ?? [];
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
    shape.addEventListener('click', () => show(grid));
    shape.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(grid); } });
    const title = document.createElementNS(SVG, 'title');
    title.textContent = grid.name;
    shape.append(title);
    svg.append(shape);
    shapes.set(grid.id, { shape, title, grid });
  }

  (async () => {
    const query = { openOnly: true, fromDay: cityDay(-30), toDay: cityDay(0), pageSize: 500 };
    do {
      const page = await get('/v1/incidents', query);
      for (const row of page.incidents ?? []) {
        syncFromRow(row);
        if (!byGrid.has(row.gridId)) byGrid.set(row.gridId, []);
        byGrid.get(row.gridId).push(row);
      }
      query.pageToken = page.nextPageToken;
    } while (query.pageToken);
    const at = now();
    for (const { shape, title, grid } of shapes.values()) {
      const rows = byGrid.get(grid.id) ?? [];
      const worst = rows.reduce((w, r) => (RANK[stateOf(r, at)] > RANK[w] ? stateOf(r, at) : w), 'none');
      shape.setAttribute('class', `grid ${worst}`);
      shape.dataset.state = worst;
      shape.setAttribute('aria-label', `${grid.name}: ${rows.length} · ${t(`map.${worst}`)}`);
      title.textContent = `${grid.name}: ${rows.length}`;
    }
    svg.dataset.loaded = 'true';
  })().catch(error => detail.replaceChildren(el('p', { className: 'error', role: 'alert', textContent: error.message })));
  return () => {};
}
