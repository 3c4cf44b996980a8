// Time as the center keeps it: the server's clock (learned from its answers, so a wrong PC clock does not move a
// deadline) shown in the city's UTC offset (the city file's), whatever the browser's own time zone.

let skewMs = 0;            // server time minus browser time
let offsetMinutes = 480;   // the city's offset from UTC (+08:00 unless the city file says otherwise)

export function setCityOffset(minutes) { offsetMinutes = minutes; }

/** Learns the server's time from a list row or detail: its due time minus the time left it had at the read. */
export function syncFromRow(row) {
  if (row && row.slaDueAt && row.slaRemainingMs !== undefined && !row.slaPaused) {
    const serverNow = Date.parse(row.slaDueAt) - Number(row.slaRemainingMs);
    skewMs = serverNow - Date.now();
  }
}

export function syncTo(serverIso) {
  const at = Date.parse(serverIso);
  if (!Number.isNaN(at)) skewMs = at - Date.now();
}

/** The server's time now, in ms. */
export function now() { return Date.now() + skewMs; }

function pad(n) { return String(n).padStart(2, '0'); }

/** yyyy-MM-dd HH:mm:ss in the city's offset. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + offsetMinutes * 60000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** HH:mm:ss in the city's offset. */
export function formatClock(ms) {
  const d = new Date(ms + offsetMinutes * 60000);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The city's local day (yyyy-MM-dd), days after today (negative: before). */
export function cityDay(daysFromToday = 0) {
  const d = new Date(now() + offsetMinutes * 60000 + daysFromToday * 86400000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** A countdown: "-" for past due, h:mm:ss or m:ss. */
export function formatLeft(ms) {
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return h > 0 ? `${sign}${h}:${pad(m)}:${pad(s)}` : `${sign}${m}:${pad(s)}`;
}
