/**
 * The console's one script, `GET /console/app.js`: a browser ES module kept
 * as a string so it lands in the Lambda bundle and the offline bundle alike
 * with no loader, no build step and no file read at run time.
 *
 * It talks only to the admin API on the same origin, with the token the
 * operator typed (kept in `sessionStorage`, sent as `Authorization: Bearer`,
 * never in a URL). Every value from the API is put in the page as text
 * (`textContent`, text nodes, attributes set one by one): it never builds
 * HTML from data, so a contact named `<img src=x onerror=alert(1)>` shows as
 * that text. The charts are SVG elements built by DOM calls.
 *
 * Written without template literals so that it can live inside one.
 *
 * @example
 * const answer = { statusCode: 200, headers: { 'content-type': 'text/javascript' }, body: consoleScript };
 */
const consoleScript = String.raw`// sync-tools operator console. No framework, no inline script, no HTML built from data.
const TOKEN_KEY = 'sync-tools.admin-token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);
const main = $('main');
const signin = $('signin');
const nav = $('nav');
const notice = $('notice');
const signoutButton = $('signout');

/** An element with attributes (on* names are listeners) and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}
/** Any value as plain text for a cell. */
function show(value) {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
function when(iso) {
  if (!iso) return 'never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
const enc = encodeURIComponent;

// ---------- the admin API ----------
class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body.error === 'string' ? body.error : body && typeof body.message === 'string' ? body.message : 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}
async function api(method, path, body) {
  const headers = { authorization: 'Bearer ' + (sessionStorage.getItem(TOKEN_KEY) || ''), accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch (error) {
    throw new ApiError(0, { error: 'The admin API could not be reached: ' + error.message });
  }
  const raw = await response.text();
  let parsed = null;
  try { parsed = raw ? JSON.parse(raw) : null; } catch { parsed = { error: raw.slice(0, 300) }; }
  if (response.status === 401 || response.status === 403) {
    signOut('The token was refused (HTTP ' + response.status + '): type it again.');
    throw new ApiError(response.status, parsed);
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

// ---------- sign in / out ----------
function signedIn() { return Boolean(sessionStorage.getItem(TOKEN_KEY)); }
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  main.hidden = true;
  nav.hidden = true;
  signoutButton.hidden = true;
  main.replaceChildren();
  signin.hidden = false;
  $('signin-message').textContent = message || '';
  $('token').focus();
}
signin.addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('token');
  const value = input.value.trim();
  input.value = '';
  if (!value) { $('signin-message').textContent = 'Type the admin token.'; return; }
  sessionStorage.setItem(TOKEN_KEY, value);
  try {
    await api('GET', 'admin/schedules');
  } catch (error) {
    if (error.status !== 401 && error.status !== 403) $('signin-message').textContent = error.message;
    return;
  }
  $('signin-message').textContent = '';
  start();
});
signoutButton.addEventListener('click', () => signOut('Signed out.'));

// ---------- routing: #/view/arg... ----------
const views = { overview, conflicts, dlq, settings, schedules, records };
function start() {
  signin.hidden = true;
  nav.hidden = false;
  signoutButton.hidden = false;
  main.hidden = false;
  route();
}
let routeSeq = 0;
async function route() {
  if (!signedIn()) { signOut(); return; }
  const parts = location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  const name = Object.hasOwn(views, parts[0] || '') ? parts[0] : 'overview';
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === '#/' + name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // A view still loading when the operator moves on must not draw over the next one.
  const seq = ++routeSeq;
  const draw = (title, ...content) => { if (seq === routeSeq) render(title, ...content); };
  notice.textContent = '';
  main.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  main.setAttribute('aria-busy', 'true');
  try {
    await views[name](draw, ...parts.slice(1));
  } catch (error) {
    if (error.status === 401 || error.status === 403 || seq !== routeSeq) return;
    main.replaceChildren(el('h1', { tabindex: '-1' }, 'Something went wrong'), el('p', { class: 'error', role: 'alert' }, error.message));
  } finally {
    if (seq === routeSeq) main.removeAttribute('aria-busy');
  }
}
window.addEventListener('hashchange', route);
/** Puts a view on screen and its heading in focus, so keyboard and screen-reader users land on it. */
function render(title, ...content) {
  document.title = title + ' · sync-tools console';
  const heading = el('h1', { tabindex: '-1' }, title);
  main.replaceChildren(heading, ...content.flat());
  if (document.activeElement === document.body || main.contains(document.activeElement) || document.activeElement === null) heading.focus();
}
function say(message, kind) {
  notice.className = kind === 'error' ? 'error' : '';
  notice.textContent = message;
}
function table(caption, head, rows) {
  return el('table', {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}
function badge(status) { return el('span', { class: 'badge status-' + String(status).replace(/[^a-z]/g, '') }, show(status)); }
function pair(term, value) { return [el('dt', {}, term), el('dd', {}, value)]; }
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- overview: the health report ----------
async function overview(draw) {
  let report;
  try {
    report = await api('GET', 'admin/health');
  } catch (error) {
    if (error.status !== 404) throw error;
    const run = el('button', { type: 'button', onclick: () => runMonitor(run) }, 'Run the monitor now');
    draw('Overview', el('p', { class: 'muted', id: 'no-report' }, error.message), run);
    return;
  }
  const integrations = Object.entries(report.integrations || {});
  const conflicts = report.conflicts || {};
  const queue = report.outbound_queue || {};
  draw('Overview',
    el('section', { class: 'summary status-' + String(report.status).replace(/[^a-z]/g, ''), 'aria-label': 'Overall status' },
      el('p', { class: 'overall' }, 'Overall: ', badge(report.status)),
      el('p', { class: 'muted' }, 'Checked ' + when(report.checked_at)),
      (report.issues || []).length > 0 ? el('ul', { class: 'issues' }, report.issues.map((issue) => el('li', {}, issue))) : el('p', {}, 'No issues.'),
      el('dl', { class: 'figures' },
        pair('Conflicts pending', show(conflicts.pending) + ' (threshold ' + show(conflicts.threshold) + ')'),
        pair('Conflicts escalated', show(conflicts.escalated)),
        pair('Outbound queue', show(queue.depth) + ' waiting, oldest ' + show(queue.oldest_age_seconds) + ' s'),
        pair('Dead letters', show((report.dlq || {}).depth)),
        pair('Parked stream failures', show((report.stream_failures || {}).parked)))),
    el('h2', {}, 'Integrations'),
    el('div', { class: 'cards' }, integrations.map(([name, health]) => card(name, health || {}))),
    el('button', { type: 'button', onclick: (event) => runMonitor(event.currentTarget) }, 'Run the monitor now'));
}
async function runMonitor(button) {
  button.disabled = true;
  const before = await api('GET', 'admin/health').then((r) => r.checked_at, () => undefined);
  try {
    const run = await api('POST', 'admin/schedules/sync-monitor/run');
    say('Monitor run ' + run.run_id + ' started.');
    for (let i = 0; i < 30; i++) {
      await wait(1000);
      const latest = await api('GET', 'admin/health').then((r) => r.checked_at, () => undefined);
      if (latest && latest !== before) break;
    }
    await route();
    say('Monitor run ' + run.run_id + ' finished.');
  } catch (error) {
    button.disabled = false;
    say(error.message, 'error');
  }
}
function card(name, health) {
  const id = 'card-' + String(name).replace(/[^A-Za-z0-9_-]/g, '_');
  const lag = health.lag_minutes === null || health.lag_minutes === undefined ? 'no sync yet' : health.lag_minutes + ' min';
  return el('article', { class: 'card status-' + String(health.status).replace(/[^a-z]/g, ''), 'aria-labelledby': id },
    el('h3', { id }, name, ' ', badge(health.status)),
    el('dl', {},
      pair('Lag', lag + ' (max ' + show(health.max_lag_minutes) + ' min)'),
      pair('Errors, last hour', show(health.errors_last_hour)),
      pair('Events, last hour', show(health.events_last_hour)),
      pair('Last inbound', when(health.last_inbound_at)),
      pair('Last outbound', when(health.last_outbound_at))),
    (health.issues || []).length > 0 ? el('ul', { class: 'issues' }, health.issues.map((issue) => el('li', {}, issue))) : null,
    chart(health.hourly));
}
/** 24 hourly pairs of bars (events, errors), scaled to the busiest hour. */
function chart(hourly) {
  const hours = Array.isArray(hourly) ? hourly.slice(-24) : [];
  const W = 240, H = 60, slot = W / 24;
  const num = (v) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : 0);
  const max = Math.max(1, ...hours.map((h) => Math.max(num(h.events), num(h.errors))));
  const events = hours.reduce((sum, h) => sum + num(h.events), 0);
  const errors = hours.reduce((sum, h) => sum + num(h.errors), 0);
  const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + (H + 2), width: W, height: H + 2, class: 'chart', role: 'img',
    'aria-label': 'Last 24 hours: ' + events + ' events, ' + errors + ' errors' });
  hours.forEach((h, i) => {
    const e = (num(h.events) / max) * H;
    const r = (num(h.errors) / max) * H;
    root.append(svg('g', {},
      svg('title', {}, when(h.hour) + ': ' + num(h.events) + ' events, ' + num(h.errors) + ' errors'),
      svg('rect', { class: 'bar-events', x: (i * slot + 1).toFixed(1), y: (H - e).toFixed(1), width: (slot / 2 - 1).toFixed(1), height: e.toFixed(1) }),
      svg('rect', { class: 'bar-errors', x: (i * slot + slot / 2).toFixed(1), y: (H - r).toFixed(1), width: (slot / 2 - 1).toFixed(1), height: r.toFixed(1) })));
  });
  root.append(svg('line', { class: 'axis', x1: 0, x2: W, y1: H + 0.5, y2: H + 0.5 }));
  return el('figure', { class: 'chart-box' }, root,
    el('figcaption', {}, el('span', { class: 'key-events' }, 'events'), ' ', el('span', { class: 'key-errors' }, 'errors'), ', last 24 h'));
}

// ---------- conflicts ----------
async function conflicts(draw, id) {
  if (id !== undefined) return conflictPage(draw, id);
  const status = new URLSearchParams(location.hash.split('?')[1] || '').get('status') || 'pending';
  const data = await api('GET', 'admin/conflicts?status=' + enc(status));
  const picker = el('select', { id: 'conflict-status', onchange: (event) => { location.hash = '#/conflicts?status=' + enc(event.target.value); } },
    ['pending', 'escalated', 'resolved'].map((s) => el('option', { value: s, selected: s === status }, s)));
  const items = data.items || [];
  draw('Conflicts',
    el('p', {}, el('label', { for: 'conflict-status' }, 'Status '), picker),
    items.length === 0 ? el('p', {}, 'No ' + status + ' conflicts.') :
      table(items.length + ' ' + status + ' conflict(s)', ['Conflict', 'Record', 'Source', 'Opened'], items.map((c) =>
        el('tr', {},
          el('td', {}, el('a', { href: '#/conflicts/' + enc(c.conflict_id) }, c.conflict_id)),
          el('td', {}, show(c.record_type) + ' ' + show(c.record_id)),
          el('td', {}, show(c.source)),
          el('td', {}, when(c.created_at))))));
}
async function conflictPage(draw, id) {
  const view = await api('GET', 'admin/conflicts/' + enc(id));
  const conflict = view.conflict || {};
  const open = conflict.status === 'pending' || conflict.status === 'escalated';
  const fields = view.fields || [];
  const rows = fields.map((f, i) => {
    const changed = f.changed_by_local || f.changed_by_remote;
    const name = 'keep-' + i;
    const choice = !open || !changed ? el('td', { class: 'muted' }, changed ? '' : 'unchanged') :
      el('td', {}, el('fieldset', { class: 'choice' },
        el('legend', { class: 'visually-hidden' }, 'Keep for ' + f.field),
        ['local', 'remote'].map((side) => el('label', {},
          el('input', { type: 'radio', name, value: side, 'data-field': f.field, required: f.overlap }), ' ' + side))));
    return el('tr', { class: f.overlap ? 'overlap' : '' },
      el('th', { scope: 'row' }, f.field, f.overlap ? el('span', { class: 'badge status-warning' }, 'both changed') : null),
      el('td', {}, show(f.base)),
      el('td', { class: f.changed_by_local ? 'changed' : '' }, show(f.local)),
      el('td', { class: f.changed_by_remote ? 'changed' : '' }, show(f.remote)),
      choice);
  });
  const version = view.record ? view.record.version : undefined;
  const resolve = async (body) => {
    try {
      const result = await api('POST', 'admin/conflicts/' + enc(id) + '/resolve', version === undefined ? body : { ...body, record_version: version });
      await route();
      say('Conflict resolved (' + show(result.winner) + (result.pushed ? ', pushed' : '') + ').');
    } catch (error) {
      say(error.message, 'error');
    }
  };
  const form = el('form', { method: 'post', onsubmit: (event) => {
    event.preventDefault();
    const chosen = {};
    for (const input of form.querySelectorAll('input[type=radio]:checked')) chosen[input.getAttribute('data-field')] = input.value;
    resolve({ fields: chosen });
  } },
    table('Fields of ' + show(conflict.record_type) + ' ' + show(conflict.record_id), ['Field', 'Base', 'Local', 'Remote', 'Keep'], rows),
    open ? el('p', { class: 'actions' },
      el('button', { type: 'submit' }, 'Resolve with these choices'),
      el('button', { type: 'button', onclick: () => resolve({ winner: 'local' }) }, 'All local'),
      el('button', { type: 'button', onclick: () => resolve({ winner: 'remote' }) }, 'All remote')) : null);
  draw('Conflict ' + id,
    el('dl', { class: 'figures' },
      pair('Status', badge(conflict.status)),
      pair('Record', el('a', { href: '#/records/' + enc(conflict.record_type) + '/' + enc(conflict.record_id) }, show(conflict.record_type) + ' ' + show(conflict.record_id))),
      pair('Opened', when(conflict.created_at)),
      conflict.resolved_at ? pair('Resolved', when(conflict.resolved_at) + ' (' + show(conflict.resolution_type) + ', ' + show(conflict.winner) + ')') : null),
    open ? el('p', { class: 'muted' }, 'Fields changed on one side only keep that change unless you choose; fields both sides changed need a choice.') : null,
    form,
    el('p', {}, el('a', { href: '#/conflicts' }, 'Back to conflicts')));
}

// ---------- dead letters ----------
async function dlq(draw) {
  const data = await api('GET', 'admin/dlq');
  const redrive = async (button, body) => {
    button.disabled = true;
    try {
      const result = await api('POST', 'admin/dlq/redrive', body);
      await route();
      say('Redriven ' + result.redriven + ' message(s); ' + result.remaining + ' left in the DLQ.');
    } catch (error) {
      button.disabled = false;
      say(error.message, 'error');
    }
  };
  const sections = Object.entries(data.queues || {}).map(([queue, listing]) => {
    const items = listing.items || [];
    const integrations = [...new Set(items.map((item) => item.integration).filter(Boolean))].sort();
    return el('section', { 'aria-labelledby': 'dlq-' + queue },
      el('h2', { id: 'dlq-' + queue }, queue + ': ' + show(listing.total) + ' message(s)' + (listing.truncated ? ' (only some shown)' : '')),
      items.length < Number(listing.total) ? el('p', { class: 'muted' }, (Number(listing.total) - items.length) + ' not shown: being looked at or moved right now, or past the listing cap. Refresh to look again.') : null,
      items.length === 0 ? el('p', {}, 'Empty.') : [
        el('p', { class: 'actions' },
          integrations.map((name) => el('button', { type: 'button', onclick: (e) => redrive(e.currentTarget, { queue, integration: name }) }, 'Redrive ' + name)),
          el('button', { type: 'button', onclick: (e) => redrive(e.currentTarget, { queue }) }, 'Redrive all of ' + queue)),
        table('Dead letters in ' + queue, ['Integration', 'Request', 'Record', 'Cause', 'Dead-lettered', 'Receives'], items.map((item) => {
          const last = item.cause && item.cause.last_attempt;
          return el('tr', {},
            el('td', {}, show(item.integration)),
            el('td', {}, show(item.request)),
            el('td', {}, item.record_id ? el('a', { href: '#/records/' + enc(item.record_type || 'contact') + '/' + enc(item.record_id) }, show(item.record_type) + ' ' + item.record_id) : '—'),
            el('td', {}, show(item.cause && item.cause.summary), last ? el('div', { class: 'muted' }, 'last attempt: ' + show(last.outcome) + ' ' + show(last.status) + ' ' + show(last.reason)) : null),
            el('td', {}, when(item.dead_lettered_at)),
            el('td', {}, show(item.receive_count)));
        })),
      ]);
  });
  const parked = data.parked_stream_failures || [];
  draw('Dead letters', el('p', {}, el('button', { type: 'button', onclick: () => route() }, 'Refresh')), sections,
    el('h2', {}, 'Parked stream failures: ' + parked.length),
    parked.length === 0 ? null : el('ul', {}, parked.map((p) => el('li', {}, show(p)))));
}

// ---------- settings ----------
async function settings(draw) {
  const data = await api('GET', 'admin/settings');
  const values = data.settings || {};
  const keys = [...new Set([...Object.keys(data.defaults || {}), ...Object.keys(values)])];
  const kinds = {};
  const original = {};
  const errorOf = (key) => $('setting-' + key + '-error');
  const inputOf = (key) => $('setting-' + key);
  const fields = keys.map((key) => {
    const value = values[key];
    const kind = typeof value === 'number' ? 'number' : value === null || typeof value === 'string' ? 'text' : 'json';
    kinds[key] = kind;
    original[key] = JSON.stringify(value === undefined ? null : value);
    const id = 'setting-' + key;
    const described = id + '-hint ' + id + '-error';
    const control = kind === 'json'
      ? el('textarea', { id, name: key, rows: Math.min(8, JSON.stringify(value, null, 2).split('\n').length), 'aria-describedby': described, spellcheck: 'false' })
      : el('input', { id, name: key, type: kind === 'number' ? 'number' : 'text', step: kind === 'number' ? '1' : undefined, 'aria-describedby': described });
    control.value = kind === 'json' ? JSON.stringify(value, null, 2) : value === null || value === undefined ? '' : String(value);
    return el('div', { class: 'field' },
      el('label', { for: id }, key.replace(/_/g, ' ')),
      control,
      el('p', { id: id + '-hint', class: 'muted' }, 'Default: ' + show((data.defaults || {})[key]) + (kind === 'text' ? ' (empty: none)' : kind === 'json' ? ' (JSON)' : '')),
      el('p', { id: id + '-error', class: 'error', role: 'alert' }));
  });
  const form = el('form', { method: 'post', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    for (const key of keys) { errorOf(key).textContent = ''; inputOf(key).removeAttribute('aria-invalid'); }
    const changes = {};
    const bad = [];
    for (const key of keys) {
      const raw = inputOf(key).value;
      let value;
      if (kinds[key] === 'number') value = raw.trim() === '' ? null : Number(raw);
      else if (kinds[key] === 'text') value = raw.trim() === '' ? null : raw;
      else {
        try { value = JSON.parse(raw); } catch { bad.push([key, 'is not valid JSON']); continue; }
      }
      if (JSON.stringify(value) !== original[key]) changes[key] = value;
    }
    if (bad.length === 0 && Object.keys(changes).length === 0) { say('Nothing changed.'); return; }
    if (bad.length === 0) {
      try {
        const result = await api('PUT', 'admin/settings', changes);
        for (const key of keys) original[key] = JSON.stringify(result.settings[key] === undefined ? null : result.settings[key]);
        say('Saved: ' + (result.changed.length > 0 ? result.changed.join(', ') : 'no change') + ' (version ' + result.version + ').');
        return;
      } catch (error) {
        if (error.status !== 400) { say(error.message, 'error'); return; }
        const issues = (error.body && error.body.issues) || [];
        for (const issue of issues) {
          const [key, ...rest] = String(issue.path).split('.');
          bad.push(keys.includes(key) ? [key, (rest.length > 0 ? rest.join('.') + ': ' : '') + issue.message] : [null, issue.path + ': ' + issue.message]);
        }
        if (issues.length === 0) bad.push([null, error.message]);
      }
    }
    const loose = [];
    for (const [key, message] of bad) {
      if (key === null) { loose.push(message); continue; }
      const target = errorOf(key);
      target.textContent = target.textContent ? target.textContent + '; ' + message : message;
      inputOf(key).setAttribute('aria-invalid', 'true');
    }
    say(loose.length > 0 ? 'Not saved: ' + loose.join('; ') : 'Not saved: see the fields marked.', 'error');
    const first = form.querySelector('[aria-invalid=true]');
    if (first) first.focus();
  } }, fields, el('p', { class: 'actions' }, el('button', { type: 'submit' }, 'Save settings')));
  draw('Settings', el('p', { class: 'muted' }, 'Version ' + show(data.version) + ', updated ' + when(data.updated_at) + '. Only changed settings are sent.'), form);
}

// ---------- schedules ----------
async function schedules(draw) {
  const data = await api('GET', 'admin/schedules');
  const run = async (button, name) => {
    button.disabled = true;
    try {
      const result = await api('POST', 'admin/schedules/' + enc(name) + '/run');
      await wait(1000);
      await route();
      say('Run ' + result.run_id + ' of ' + name + ' started.');
    } catch (error) {
      button.disabled = false;
      say(error.message, 'error');
    }
  };
  draw('Schedules',
    table('Scheduled jobs', ['Name', 'Schedule', 'Last run', ''], (data.items || []).map((s) => {
      const last = s.last_run;
      return el('tr', {},
        el('th', { scope: 'row' }, s.name),
        el('td', {}, show(s.expression)),
        el('td', {}, last ? [badge(last.outcome), ' ', last.trigger + ', ' + when(last.finished_at || last.started_at || last.run_at), last.error ? el('div', { class: 'error' }, last.error) : null] : 'never'),
        el('td', {}, el('button', { type: 'button', 'aria-label': 'Run ' + s.name + ' now', onclick: (e) => run(e.currentTarget, s.name) }, 'Run now')));
    })));
}

// ---------- record lookup ----------
async function records(draw, type, id) {
  const typeInput = el('input', { id: 'record-type', name: 'type', required: true, value: type || 'contact' });
  const idInput = el('input', { id: 'record-id', name: 'id', required: true, value: id || '' });
  const form = el('form', { method: 'post', class: 'inline', onsubmit: (event) => {
    event.preventDefault();
    location.hash = '#/records/' + enc(typeInput.value.trim()) + '/' + enc(idInput.value.trim());
  } },
    el('label', { for: 'record-type' }, 'Record type'), typeInput,
    el('label', { for: 'record-id' }, 'Record id'), idInput,
    el('button', { type: 'submit' }, 'Look up'));
  if (!type || !id) { draw('Record lookup', form); return; }
  let record;
  try {
    record = await api('GET', 'admin/records/' + enc(type) + '/' + enc(id));
  } catch (error) {
    if (error.status !== 404 && error.status !== 400) throw error;
    draw('Record lookup', form, el('p', { class: 'error', role: 'alert' }, error.message));
    return;
  }
  const events = await api('GET', 'admin/events?record_id=' + enc(id)).then((r) => r.items || [], (error) => error);
  const meta = Object.entries(record).filter(([key]) => key !== 'data');
  const data = Object.entries(record.data || {});
  draw('Record ' + type + ' ' + id, form,
    table('Data', ['Field', 'Value'], data.map(([key, value]) => el('tr', {}, el('th', { scope: 'row' }, key), el('td', { class: 'value' }, show(value))))),
    table('Sync state', ['Field', 'Value'], meta.map(([key, value]) => el('tr', {}, el('th', { scope: 'row' }, key), el('td', {}, show(value))))),
    events instanceof Error ? el('p', { class: 'error' }, 'Sync history: ' + events.message) :
      table('Sync history (' + events.length + ')', ['Received', 'Direction', 'Source', 'Event', 'Outcome', 'Detail'], events.map((e) =>
        el('tr', {},
          el('td', {}, when(e.received_at)), el('td', {}, show(e.direction)), el('td', {}, show(e.source)),
          el('td', {}, show(e.event)), el('td', {}, badge(e.outcome)), el('td', {}, show(e.detail))))));
}

if (signedIn()) start(); else signOut();
`;

export { consoleScript };
