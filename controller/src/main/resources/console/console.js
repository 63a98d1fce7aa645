// The console's wiring: sign-in, the live event stream into one in-memory state, views redrawn
// in batches as it changes, and the create/delete forms.
import {ApiError, del, get, post, setToken, stream, token} from './api.js';
import * as views from './views.js';

const state = {hosts: new Map(), groups: new Map(), servers: new Map(), flavors: [], highlight: ''};
const dirty = {all: false, hosts: new Set(), lists: false};
let following = [];
let armed = '';
let armedTimer = 0;
let flushTimer = 0;
let rendered = false;
let streamAbort = null;
let retryMs = 1000;

const $ = id => document.getElementById(id);

function announce(text) {
  $('announcer').textContent = text;
}

function banner(text) {
  $('banner').textContent = text || '';
  $('banner').hidden = !text;
}

// --- views and navigation ---------------------------------------------------------------------

function showView() {
  const name = (location.hash || '#topology').slice(1);
  for (const v of ['topology', 'groups', 'servers']) {
    $('view-' + v).hidden = v !== name;
    $('nav-' + v).setAttribute('aria-current', v === name ? 'page' : 'false');
  }
}

function schedule() {
  if (!flushTimer) {
    flushTimer = setTimeout(flush, 30);
  }
}

function flush() {
  flushTimer = 0;
  if (dirty.all) {
    $('topology').innerHTML = views.topology(state);
  } else {
    const onHost = dirty.hosts.size ? views.serversByHost(state) : null;
    for (const id of dirty.hosts) {
      const el = document.getElementById('h:' + id);
      const h = state.hosts.get(id);
      if (el && h) {
        el.outerHTML = views.hostCard(h, onHost.get(id), state.highlight);
      }
    }
  }
  if (dirty.all || dirty.lists || dirty.hosts.size) {
    renderLists();
  }
  dirty.all = false;
  dirty.lists = false;
  dirty.hosts.clear();
}

function renderSummary() {
  $('topology-summary').textContent = `${state.hosts.size} hosts, ${state.groups.size} groups, `
      + `${state.servers.size} servers`;
}

function renderLists() {
  renderSummary();
  $('domain-counts').innerHTML = views.domainCounts(state);
  $('group-table').tBodies[0].innerHTML = views.groupRows(state, armed);
  const filter = {group: $('filter-group').value, host: $('filter-host').value, state: $('filter-state').value};
  const servers = views.serverRows(state, filter, armed);
  $('server-table').tBodies[0].innerHTML = servers.rows;
  $('server-summary').textContent = servers.summary;
  $('follow').innerHTML = views.followed(state, following);
  refreshGroupChoices();
}

function refreshGroupChoices() {
  const groups = [...state.groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const [id, none] of [['highlight', '(none)'], ['sf-group_id', '(none)'], ['filter-group', '(any)']]) {
    const select = $(id);
    const value = select.value;
    const options = [`<option value="">${none}</option>`].concat(groups.map(g =>
        `<option value="${views.esc(g.id)}">${views.esc(g.name)}</option>`)).join('');
    if (select.dataset.options !== options) {
      select.innerHTML = options;
      select.dataset.options = options;
      select.value = state.groups.has(value) ? value : '';
    }
  }
}

function refreshFlavors() {
  $('sf-flavor').innerHTML = '<option value="">(size below)</option>' + state.flavors.map(f =>
      `<option value="${views.esc(f.name)}">${views.esc(f.name)} (${f.vcpus} vCPU, ${f.memory_mib} MiB, `
      + `${f.disk_gib} GiB)</option>`).join('');
}

function setHighlight(id) {
  state.highlight = id;
  for (const el of document.querySelectorAll('.srv.hl')) {
    el.classList.remove('hl');
  }
  for (const el of document.querySelectorAll('.host.has-hl')) {
    el.classList.remove('has-hl');
  }
  if (id) {
    for (const el of document.querySelectorAll('.srv')) {
      if (el.dataset.g === id) {
        el.classList.add('hl');
        el.closest('.host').classList.add('has-hl');
      }
    }
  }
  $('domain-counts').innerHTML = views.domainCounts(state);
}

// --- the event stream -----------------------------------------------------------------------

function onEvent(name, data) {
  switch (name) {
    case 'state':
      if (!rendered) {
        performance.mark('herd-console-state');
      }
      state.hosts = new Map(data.hosts.map(h => [h.id, h]));
      state.groups = new Map(data.groups.map(g => [g.id, g]));
      state.servers = new Map(data.servers.map(s => [s.id, s]));
      state.flavors = data.flavors;
      refreshFlavors();
      if (!rendered) {
        // the first render, of the topology alone, is synchronous, so that the mark below follows
        // it; the lists and pickers (thousands of rows and options) come in the next task
        $('topology').innerHTML = views.topology(state);
        renderSummary();
        void document.body.offsetHeight;
        rendered = true;
        performance.mark('herd-console-rendered');
        document.body.dataset.rendered = 'true';
        dirty.lists = true;
      } else {
        dirty.all = true;
      }
      break;
    case 'server': {
      const s = data.server;
      const before = state.servers.get(s.id);
      if (before && before.host) {
        dirty.hosts.add(before.host);
      }
      if (data.kind === 'DELETED') {
        state.servers.delete(s.id);
      } else {
        state.servers.set(s.id, s);
        if (s.host) {
          dirty.hosts.add(s.host);
        }
        if (following.includes(s.id) && (!before || before.status !== s.status)) {
          announce(`${s.name} is ${s.status}${s.host_name ? ' on ' + s.host_name : ''}`);
        }
      }
      dirty.lists = true;
      break;
    }
    case 'host': {
      const before = state.hosts.get(data.id);
      state.hosts.set(data.id, data);
      if (!before || before.zone !== data.zone || before.rack !== data.rack) {
        dirty.all = true;
      } else {
        dirty.hosts.add(data.id);
      }
      if (before && before.state !== data.state) {
        announce(`host ${data.name} is ${data.state}`);
      }
      break;
    }
    case 'host-removed':
      state.hosts.delete(data.id);
      dirty.all = true;
      break;
    case 'group':
      state.groups.set(data.id, data);
      dirty.lists = true;
      break;
    case 'group-removed':
      state.groups.delete(data.id);
      if (state.highlight === data.id) {
        state.highlight = '';
      }
      dirty.lists = true;
      break;
    case 'resync':
      throw new Error('the stream fell behind');
    default:
      return;
  }
  schedule();
}

async function connect() {
  streamAbort = new AbortController();
  try {
    $('connection').textContent = 'live';
    $('connection').className = 'connection live';
    await stream(onEvent, streamAbort.signal);
    retryMs = 1000;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      askToken(e.message);
      return;
    }
    if (e instanceof ApiError) {
      banner(e.message);
    }
  }
  if (streamAbort.signal.aborted) {
    return;
  }
  $('connection').textContent = 'reconnecting…';
  $('connection').className = 'connection lost';
  setTimeout(connect, retryMs);
  retryMs = Math.min(retryMs * 2, 10000);
}

// --- sign-in ----------------------------------------------------------------------------------

function askToken(message) {
  $('login').hidden = false;
  $('main').hidden = true;
  $('login-error').textContent = token() ? message : '';
  $('connection').textContent = 'signed out';
  $('login-token').focus();
}

async function start() {
  $('login').hidden = true;
  $('main').hidden = false;
  $('sign-out').hidden = !token();
  banner('');
  // the stream and the question of who we are go out together: the first render waits for neither
  connect();
  try {
    const me = await get('whoami');
    document.body.classList.toggle('read-only', !me.can_change);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      askToken(e.message);
    }
  }
}

// --- forms ------------------------------------------------------------------------------------

function clearErrors(form, prefix) {
  for (const el of form.querySelectorAll('.field-error')) {
    el.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
  }
  $(prefix + '-error').textContent = '';
}

/** Shows a refusal at the field it names, else above the form's button. */
function showError(prefix, e) {
  const input = e.field ? $(prefix + '-' + e.field) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    $(prefix + '-' + e.field + '-error').textContent = e.message;
    input.focus();
  } else {
    $(prefix + '-error').textContent = (e.code === 'RESOURCE_EXHAUSTED' ? 'Refused: ' : '') + e.message;
  }
}

function whole(prefix, field) {
  const raw = $(prefix + '-' + field).value.trim();
  if (!/^[0-9]+$/.test(raw)) {
    throw new ApiError(400, 'INVALID_ARGUMENT', field, `${field}: must be a whole number, was '${raw}'`);
  }
  return Number(raw);
}

async function createGroup(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form, 'gf');
  try {
    await post('groups', {name: $('gf-name').value, policy: $('gf-policy').value, scope: $('gf-scope').value,
      max_per_domain: whole('gf', 'max_per_domain')});
    announce(`group ${$('gf-name').value} created`);
    form.reset();
  } catch (e) {
    showError('gf', e);
  }
}

async function createServers(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form, 'sf');
  try {
    const body = {name: $('sf-name').value, image: $('sf-image').value, group_id: $('sf-group_id').value,
      count: whole('sf', 'count')};
    if ($('sf-flavor').value) {
      body.flavor = $('sf-flavor').value;
    } else {
      body.vcpus = whole('sf', 'vcpus');
      body.memory_mib = whole('sf', 'memory_mib');
      body.disk_gib = whole('sf', 'disk_gib');
    }
    const created = await post('servers', body);
    following = (created.servers || []).map(s => s.id);
    for (const s of created.servers || []) {
      // shown at once; the stream brings each one's next state
      if (!state.servers.has(s.id)) {
        state.servers.set(s.id, {id: s.id, name: s.name, group: body.group_id, host: s.host_id || '',
          host_name: s.host_name || '', status: 'BUILDING', message: ''});
      }
    }
    announce(`${following.length} server(s) created, building`);
    dirty.lists = true;
    schedule();
  } catch (e) {
    showError('sf', e);
  }
}

/** A delete button asks once more before it deletes. */
async function onDelete(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) {
    return;
  }
  const id = button.dataset.id;
  const what = button.dataset.action === 'delete-group' ? 'groups/' : 'servers/';
  if (armed !== id) {
    armed = id;
    clearTimeout(armedTimer);
    armedTimer = setTimeout(() => { armed = ''; dirty.lists = true; schedule(); }, 5000);
    renderLists();
    const again = document.querySelector(`button[data-action="${button.dataset.action}"][data-id="${CSS.escape(id)}"]`);
    if (again) {
      again.focus();
    }
    return;
  }
  armed = '';
  const prefix = what === 'groups/' ? 'gf' : 'sf';
  try {
    await del(what + encodeURIComponent(id));
    $(prefix + '-error').textContent = '';
  } catch (e) {
    $(prefix + '-error').textContent = e.message;
  }
  renderLists();
}

function init() {
  window.addEventListener('hashchange', showView);
  showView();
  $('login').addEventListener('submit', e => {
    e.preventDefault();
    setToken($('login-token').value.trim());
    $('login-token').value = '';
    start();
  });
  $('sign-out').addEventListener('click', () => {
    setToken('');
    if (streamAbort) {
      streamAbort.abort();
    }
    askToken('');
  });
  $('highlight').addEventListener('change', e => setHighlight(e.target.value));
  $('group-form').addEventListener('submit', createGroup);
  $('server-form').addEventListener('submit', createServers);
  $('group-table').addEventListener('click', onDelete);
  $('server-table').addEventListener('click', onDelete);
  for (const id of ['filter-group', 'filter-state']) {
    $(id).addEventListener('change', renderLists);
  }
  $('filter-host').addEventListener('input', renderLists);
  // a page left for another keeps no stream open: a browser holds few connections to one
  // server, and pages it keeps for going back would otherwise hold them all
  window.addEventListener('pagehide', () => {
    if (streamAbort) {
      streamAbort.abort();
    }
  });
  window.addEventListener('pageshow', e => {
    if (e.persisted) {
      connect();
    }
  });
  start();
}

init();
