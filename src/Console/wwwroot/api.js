// The public API's JSON routes (JSON transcoding of citybrain.v1), called with the signed-in caller's bearer token.
// The console has no other way into the center: what the API refuses, the console cannot do.

const TOKEN_KEY = 'citybrain.token';
const ROLE_KEY = 'citybrain.identity';

/** The error of a refused call: the API's gRPC code and message, and the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthenticated = () => {};

/** Called when the API answers 401 (no token, or it expired): the console returns to sign-in. */
export function whenUnauthenticated(callback) {
  onUnauthenticated = callback;
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get identity() {
    const text = sessionStorage.getItem(ROLE_KEY);
    return text ? JSON.parse(text) : null;
  },
  signIn(token, identity) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(ROLE_KEY, JSON.stringify(identity));
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ROLE_KEY);
  },
};

/** The claims of a token (not verified here: the API verifies every call). */
export function claimsOf(token) {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(json, c => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

async function failure(response) {
  let code = 0;
  let message = response.statusText;
  try {
    const body = await response.json();
    code = body.code ?? 0;
    message = body.message || message;
  } catch { /* not the JSON error body */ }
  if (response.status === 401) onUnauthenticated(message);
  return new ApiError(response.status, code, message);
}

function headers(json) {
  const h = { authorization: `Bearer ${session.token}` };
  if (json) h['content-type'] = 'application/json';
  return h;
}

/** GET a JSON route; query values that are empty are left out, arrays repeat the parameter. */
export async function get(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) value.forEach(v => params.append(key, v));
    else if (value !== undefined && value !== null && value !== '' && value !== false) params.append(key, String(value));
  }
  const url = params.size ? `${path}?${params}` : path;
  const response = await fetch(url, { headers: headers(false) });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * GET a page of a paged list and set query.pageToken to the next page's. A page reads at most 2,000 incidents, so a
 * rare match (a search, a department's history) over many days can come back empty with a token: up to `tries` such
 * pages are followed before one is returned.
 */
export async function getPage(path, query, rowsOf, tries = 10) {
  let page;
  let followed = 0;
  do {
    page = await get(path, query);
    query.pageToken = page.nextPageToken ?? '';
  } while (!(rowsOf(page) ?? []).length && query.pageToken && ++followed < tries);
  return page;
}

/** POST a JSON route (a dispatch action). */
export async function post(path, body = {}) {
  const response = await fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** GET a route of the console itself (not the API). */
export async function consoleGet(path, withToken = false) {
  const response = await fetch(path, withToken ? { headers: headers(false) } : {});
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * Query.WatchIncidents over JSON: one JSON object per batch, streamed while the call lasts. Calls onBatch for each;
 * resumes after the last position when the stream breaks (no gap, no repeat). Returns a function that stops it.
 */
export function watch(query, onBatch, onState = () => {}) {
  const controller = new AbortController();
  let position = 0;
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const q = position ? { ...query, afterPosition: position, fromNow: false } : query;
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== false && v !== '') params.append(k, String(v));
        const response = await fetch(`/v1/incidents:watch?${params}`, { headers: headers(false), signal: controller.signal });
        if (!response.ok) {
          const error = await failure(response);
          if (response.status === 401 || response.status === 403) { onState('refused', error); return; }
          throw error;
        }
        onState('live');
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = objectEnd(buffer)) > 0) {
            const batch = JSON.parse(buffer.slice(buffer.indexOf('{'), end));
            buffer = buffer.slice(end);
            if (batch.position) position = Number(batch.position);
            onBatch(batch);
          }
        }
      } catch (error) {
        if (stopped || error.name === 'AbortError') return;
        onState('reconnecting', error);
      }
      if (!stopped) await new Promise(resolve => setTimeout(resolve, 1000));
    }
  };
  run();
  return () => { stopped = true; controller.abort(); };
}

/** The end of the first complete JSON object in text (after leading separators), or 0. */
function objectEnd(text) {
  let depth = 0;
  let inString = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') { depth++; started = true; }
    else if (c === '}') { depth--; if (started && depth === 0) return i + 1; }
  }
  return 0;
}
