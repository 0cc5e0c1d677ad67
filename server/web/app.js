// The risk-desk page: plain DOM, one EventSource for the live feed (the browser resumes it with
// Last-Event-ID by itself), fetch for the rest. Values from the server are only ever set as text,
// never parsed as HTML.
import { drawChart } from './chart.js';

const $ = (sel) => document.querySelector(sel);
const TOKEN_KEY = 'flowguard.token';
const MAX_ROWS = 200;
const state = {
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  role: null,
  policy: null,
  stream: null,
  // The cursor of the last event received: a new connection (after signing in) resumes from it.
  lastEventId: '',
};
const hms = (t) => new Date(t).toISOString().slice(11, 23);

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function notice(text, error = false) {
  const n = $('#notice');
  n.textContent = text;
  n.className = error ? 'error' : '';
  n.hidden = false;
}

async function api(path, options = {}) {
  const headers = { ...(options.headers ?? {}) };
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    ...options,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok)
    throw Object.assign(new Error(data.error?.message ?? `HTTP ${res.status}`), { status: res.status });
  return data;
}

// --- who is signed in -------------------------------------------------------------------------

async function refreshWho() {
  let me;
  try {
    me = await api('/api/whoami');
  } catch (err) {
    if (err.status === 401 && state.token) {
      notice(`Sign-in failed: ${err.message}`, true);
      setToken('');
      return;
    }
    me = { user: 'anonymous', role: null, authenticated: false, mode: '' };
  }
  state.role = me.role;
  state.policy = me.policy ?? state.policy;
  $('#mode').textContent = me.mode ? `${me.mode} mode` : '';
  const who = $('#who');
  who.textContent = me.authenticated
    ? `${me.user} (${me.role})`
    : `anonymous (${me.role ? 'read-only' : 'no access'})`;
  who.className = me.role ?? '';
  document.body.classList.toggle('can-operate', me.role === 'operator' || me.role === 'admin');
  $('#token').hidden = me.authenticated;
  $('#signin-btn').hidden = me.authenticated;
  $('#signout-btn').hidden = !me.authenticated;
}

function setToken(token) {
  state.token = token;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  void refreshWho().then(() => {
    connectStream();
    void refreshHalts();
  });
}

// --- live stream ------------------------------------------------------------------------------

function connectStream() {
  state.stream?.close();
  const params = new URLSearchParams({ backlog: '50' });
  if (state.lastEventId) params.set('lastEventId', state.lastEventId);
  // EventSource cannot send headers; the stream is read-only, so the token may ride in the URL.
  if (state.token) params.set('access_token', state.token);
  const es = new EventSource(`/api/stream?${params}`);
  state.stream = es;
  const live = $('#live');
  es.onopen = () => {
    live.textContent = 'live';
    live.className = 'pill on';
  };
  es.onerror = () => {
    live.textContent = es.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…';
    live.className = 'pill off';
  };
  const on = (name, handle) =>
    es.addEventListener(name, (e) => {
      if (e.lastEventId) state.lastEventId = e.lastEventId;
      handle(JSON.parse(e.data));
    });
  on('alert', addAlert);
  on('command', addCommand);
  on('ack', addAck);
  es.addEventListener('gap', (e) => {
    const g = JSON.parse(e.data);
    notice(`${g.missed} ${g.topic} fell out of the server's buffer while disconnected: see History.`, true);
  });
}

function prepend(tbody, row) {
  row.classList.add('fresh');
  tbody.prepend(row);
  while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(-1);
}

let alertCount = 0;
const seenAlerts = new Set();
function addAlert(a) {
  // After a server restart the stream starts over: show each alert once all the same.
  if (seenAlerts.has(a.alertId)) return;
  seenAlerts.add(a.alertId);
  if (seenAlerts.size > 5 * MAX_ROWS) seenAlerts.delete(seenAlerts.values().next().value);
  const features = a.topFeatures
    .slice(0, 3)
    .map((f) => `${f.feature} ${f.value === null ? 'n/a' : Number(f.value.toPrecision(3))}`)
    .join(', ');
  prepend(
    $('#alerts tbody'),
    el(
      'tr',
      { 'data-alert-id': a.alertId, title: a.message },
      el('td', { text: hms(a.eventTime) }),
      el('td', {}, el('span', { class: `sev ${a.severity}`, text: a.severity })),
      el('td', { text: a.symbol ? `${a.symbol}${a.venue ? ` @ ${a.venue}` : ''}` : (a.address ?? a.key) }),
      el('td', { text: a.detector }),
      el('td', { text: a.score.toFixed(4) }),
      el('td', { class: 'features', text: features }),
    ),
  );
  $('#alerts-count').textContent = String(++alertCount);
  chartHint(a.key);
}

const commandRows = new Map();
function addCommand(c) {
  if (commandRows.has(c.commandId)) return;
  const ack = el('td', { class: 'ack', text: '…' });
  const reason = c.issuedBy ? `${c.issuedBy.user}: ${c.issuedBy.why}` : c.reason.text;
  const row = el(
    'tr',
    { 'data-command-id': c.commandId },
    el('td', { text: hms(c.issuedAt) }),
    el('td', { class: `act-${c.action}`, text: c.action }),
    el('td', { text: c.scope.key }),
    el('td', { text: String(c.sequence) }),
    ack,
    el('td', { class: 'reason', text: reason, title: reason }),
  );
  commandRows.set(c.commandId, ack);
  const early = earlyAcks.get(c.commandId);
  if (early) {
    earlyAcks.delete(c.commandId);
    showAck(ack, early);
  }
  if (commandRows.size > 5 * MAX_ROWS) commandRows.delete(commandRows.keys().next().value);
  prepend($('#commands tbody'), row);
  scheduleHalts();
}

function ackText(a) {
  const latency = a.latencyMs !== undefined ? ` in ${a.latencyMs.toFixed(2)} ms` : '';
  return `${a.status} by ${a.engineId}${latency}${a.reason ? ` (${a.reason})` : ''}`;
}

// The engine may answer before the command reaches the feed the page reads (in process it does):
// an ack that comes first waits here for its row.
const earlyAcks = new Map();

function showAck(cell, a) {
  const latency = a.latencyMs !== undefined ? ` ${a.latencyMs.toFixed(2)} ms` : '';
  cell.textContent = `${a.status}${latency}`;
  cell.title = ackText(a);
  cell.className = `ack ack-${a.status}`;
}

function addAck(a) {
  const cell = commandRows.get(a.commandId);
  if (cell) showAck(cell, a);
  else {
    earlyAcks.set(a.commandId, a);
    if (earlyAcks.size > MAX_ROWS) earlyAcks.delete(earlyAcks.keys().next().value);
  }
  if (a.issuedBy)
    notice(`Engine ack: ${a.action} ${a.scopeKey} ${ackText(a)}, issued by ${a.issuedBy.user}.`);
  scheduleHalts();
}

// --- halts ------------------------------------------------------------------------------------

let haltsTimer;
function scheduleHalts() {
  clearTimeout(haltsTimer);
  haltsTimer = setTimeout(refreshHalts, 150);
}

async function refreshHalts() {
  let items;
  try {
    ({ items } = await api('/api/halts'));
  } catch {
    return;
  }
  // Rows are kept by scope so that a reason being typed survives the refresh.
  const tbody = $('#halts tbody');
  const keep = new Set(items.map((r) => r.scope.key));
  for (const row of [...tbody.rows]) if (!keep.has(row.dataset.scope)) row.remove();
  for (const r of items) {
    const cells = [r.action, r.scope.key, hms(r.since), r.commandId.slice(0, 16)];
    let row = [...tbody.rows].find((x) => x.dataset.scope === r.scope.key);
    if (!row) {
      const why = el('input', { placeholder: 'why (required)', 'aria-label': `why resume ${r.scope.key}` });
      const button = el('button', { class: 'resume', text: 'Resume', type: 'button' });
      button.addEventListener('click', () => resume(r.scope.key, why, button));
      row = el(
        'tr',
        { 'data-scope': r.scope.key },
        ...cells.map(() => el('td')),
        el('td', { class: 'op' }, why, button),
      );
      tbody.append(row);
    }
    cells.forEach((text, i) => (row.cells[i].textContent = text));
    row.cells[0].className = `act-${r.action}`;
    row.cells[3].title = r.commandId;
  }
  $('#halts-count').textContent = String(items.length);
  $('#halts-empty').hidden = items.length > 0;
}

async function resume(key, whyInput, button) {
  const why = whyInput.value.trim();
  if (why.length < 3) {
    whyInput.focus();
    notice('Say why you resume (at least 3 characters): it goes to the audit trail.', true);
    return;
  }
  button.disabled = true;
  try {
    const r = await api('/api/halts/resume', {
      method: 'POST',
      body: { key, why, requestId: crypto.randomUUID() },
    });
    notice(
      r.ack
        ? `Engine ack: RESUME ${key} ${ackText(r.ack)}, issued by ${r.command.issuedBy.user}.`
        : `RESUME ${key} sent (${r.command.commandId}); waiting for the engine's ack…`,
    );
  } catch (err) {
    notice(`Resume refused: ${err.message}`, true);
    button.disabled = false;
  }
  void refreshHalts();
}

$('#halt-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    const r = await api('/api/halts', {
      method: 'POST',
      body: {
        scope: { level: 'venue-symbol', venue: f.get('venue'), symbol: f.get('symbol') },
        why: f.get('why'),
        requestId: crypto.randomUUID(),
      },
    });
    notice(
      r.ack
        ? `Engine ack: HALT ${r.command.scope.key} ${ackText(r.ack)}.`
        : `HALT sent (${r.command.commandId}).`,
    );
    e.target.reset();
  } catch (err) {
    notice(`Halt refused: ${err.message}`, true);
  }
  void refreshHalts();
});

// --- chart ------------------------------------------------------------------------------------

const chart = { key: '', points: [], userChose: false };

function chartHint(key) {
  // Follow the latest alert's key until the user picks one.
  if (!chart.userChose && key !== chart.key && key.startsWith('vs:')) selectChartKey(key);
}

function selectChartKey(key) {
  chart.key = key;
  chart.points = [];
  const select = $('#chart-key');
  if (![...select.options].some((o) => o.value === key))
    select.append(el('option', { value: key, text: key }));
  select.value = key;
  void refreshChart();
}

async function refreshKeys() {
  try {
    const { keys } = await api('/api/series');
    const select = $('#chart-key');
    for (const k of keys)
      if (![...select.options].some((o) => o.value === k.key))
        select.append(el('option', { value: k.key, text: k.key }));
    if (!chart.key && keys.length) selectChartKey(keys[0].key);
  } catch {
    /* shown as "waiting for data" */
  }
}

async function refreshChart() {
  if (chart.key) {
    const since = chart.points.length ? chart.points[chart.points.length - 1].t - 1 : 0;
    try {
      const { points } = await api(`/api/series?key=${encodeURIComponent(chart.key)}&since=${since}`);
      // The newest bucket may have grown since it was last fetched: replace it.
      while (chart.points.length && points.length && chart.points[chart.points.length - 1].t >= points[0].t)
        chart.points.pop();
      chart.points.push(...points);
      if (chart.points.length > 3600) chart.points.splice(0, chart.points.length - 3600);
    } catch {
      /* next tick */
    }
  }
  const p = state.policy;
  drawChart($('#chart'), chart.points, p ? [p.alertAt, p.haltAt] : []);
}

$('#chart-key').addEventListener('change', (e) => {
  chart.userChose = true;
  selectChartKey(e.target.value);
});

// --- history ----------------------------------------------------------------------------------

const history = { offset: 0, nextOffset: null, params: null };
const COLUMNS = {
  alerts: [
    ['time', (a) => hms(a.eventTime)],
    ['severity', (a) => a.severity],
    ['key', (a) => a.key],
    ['detector', (a) => a.detector],
    ['score', (a) => a.score.toFixed(4)],
    ['message', (a) => a.message],
  ],
  anomalies: [
    ['time', (a) => hms(a.time)],
    ['key', (a) => a.key],
    ['detector', (a) => a.detector],
    ['score', (a) => a.score.toFixed(4)],
    [
      'top features',
      (a) =>
        a.topFeatures
          .slice(0, 3)
          .map((f) => f.feature)
          .join(', '),
    ],
  ],
  commands: [
    ['time', (c) => hms(c.eventTime)],
    ['action', (c) => c.action],
    ['scope', (c) => c.scope.key],
    ['#', (c) => String(c.sequence)],
    ['by', (c) => c.issuedBy?.user ?? 'policy'],
    ['reason', (c) => c.reason.text],
  ],
};

async function queryHistory(offset) {
  const f = new FormData($('#history-form'));
  const kind = f.get('kind');
  const params = new URLSearchParams({ limit: f.get('limit'), offset: String(offset) });
  for (const name of ['symbol', 'venue', 'detector', 'minScore'])
    if (f.get(name)) params.set(name, f.get(name));
  for (const name of ['from', 'to'])
    if (f.get(name)) params.set(name, String(new Date(f.get(name)).getTime()));
  try {
    const page = await api(`/api/history/${kind}?${params}`);
    const cols = COLUMNS[kind];
    $('#history thead').replaceChildren(el('tr', {}, ...cols.map(([name]) => el('th', { text: name }))));
    $('#history tbody').replaceChildren(
      ...page.items.map((item) =>
        el('tr', {}, ...cols.map(([, get]) => el('td', { class: 'wrap', text: get(item) }))),
      ),
    );
    history.offset = page.offset;
    history.nextOffset = page.nextOffset;
    $('#history-prev').disabled = page.offset === 0;
    $('#history-next').disabled = page.nextOffset === null;
    $('#history-info').textContent = page.items.length
      ? `${page.offset + 1}–${page.offset + page.items.length}${page.nextOffset === null ? '' : ' …'}`
      : 'nothing in this range';
  } catch (err) {
    notice(`History: ${err.message}`, true);
  }
}

$('#history-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void queryHistory(0);
});
$('#history-prev').addEventListener('click', () => {
  const size = Number(new FormData($('#history-form')).get('limit'));
  void queryHistory(Math.max(0, history.offset - size));
});
$('#history-next').addEventListener('click', () => {
  if (history.nextOffset !== null) void queryHistory(history.nextOffset);
});

// --- start ------------------------------------------------------------------------------------

$('#signin').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('#token').value.trim();
  $('#token').value = '';
  if (token) setToken(token);
});
$('#signout-btn').addEventListener('click', () => setToken(''));

await refreshWho();
connectStream();
void refreshHalts();
void refreshKeys();
setInterval(refreshHalts, 5_000);
setInterval(refreshKeys, 5_000);
setInterval(refreshChart, 1_000);
window.addEventListener('resize', () => void refreshChart());
