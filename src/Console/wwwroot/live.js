// The live set of open incidents the board and the map show: every open real incident of the last 31 days (the list's
// longest period) from Query.ListIncidents, page by page, then kept live by Query.WatchIncidents with rows (each change
// arrives with its incident's list row; one without a row — not readable as this caller — is read again with
// Query.GetIncident). Changes are handed over in one batch every 250 ms, so at 50 changes per second a screen lays out
// and paints 4 times a second, not 50.
import { get, watch } from './api.js';
import { cityDay } from './time.js';

const FETCH_CONCURRENCY = 6;
const FLUSH_MS = 250;

/**
 * Follows the open incidents. Callbacks: onPage(rows, first) for each page of the first load; onChanges(changes) with
 * [id, row] pairs (row null: the incident is gone for this caller) once loaded; onLoaded() after the last page;
 * onState(state) of the watch ('live', 'reconnecting', 'refused'); onError(error) when the load fails.
 * Returns a function that stops it all.
 */
export function followOpenIncidents({ onPage = () => {}, onChanges = () => {}, onLoaded = () => {}, onState = () => {}, onError = () => {} }) {
  let stopped = false;
  let loaded = false;
  let inFlight = 0;
  const pending = new Set();          // incident ids to read again (a change without its row)
  const ready = new Map();            // incident id -> row (null: gone), waiting for the next flush

  function pump() {
    while (loaded && inFlight < FETCH_CONCURRENCY && pending.size > 0) {
      const id = pending.values().next().value;
      pending.delete(id);
      inFlight++;
      get(`/v1/incidents/${encodeURIComponent(id)}`, { omitJournal: true })
        .then(detail => { if (!stopped) ready.set(id, detail.summary); })
        .catch(error => { if (error.status === 404 || error.status === 403) ready.set(id, null); })
        .finally(() => { inFlight--; pump(); });
    }
  }

  function flush() {
    if (!loaded || ready.size === 0 || stopped) return;
    const changes = [...ready];
    ready.clear();
    onChanges(changes);
  }

  const stopWatch = watch({ fromNow: true, realOnly: true, withRows: true }, batch => {
    for (const change of batch.changes ?? []) {
      if (change.row) {
        pending.delete(change.incidentId);
        ready.set(change.incidentId, change.row);
      } else if (!ready.has(change.incidentId)) {
        pending.add(change.incidentId);
      }
    }
    pump();
  }, state => { if (!stopped) onState(state); });

  (async () => {
    // A small first page paints the most recent incidents at once; the rest follow in pages of 500.
    const query = { openOnly: true, fromDay: cityDay(-30), toDay: cityDay(0), pageSize: 100 };
    let first = true;
    do {
      const page = await get('/v1/incidents', query);
      if (stopped) return;
      onPage(page.incidents ?? [], first);
      if (first) {
        first = false;
        query.pageSize = 500;
      }
      query.pageToken = page.nextPageToken;
    } while (query.pageToken);
    loaded = true;
    flush();
    onLoaded();
    pump();
  })().catch(error => { if (!stopped) onError(error); });

  const flusher = setInterval(flush, FLUSH_MS);
  return () => {
    stopped = true;
    clearInterval(flusher);
    stopWatch();
  };
}
