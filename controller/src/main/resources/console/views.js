// Rendering: the topology (zones → racks → hosts with capacity and servers), the groups table,
// the servers table and the counts per failure domain of the highlighted group. Markup is built
// as strings (one assignment per view) so that 1,000 hosts and 10,000 servers render at once;
// every value is escaped. No inline styles: the page's policy allows none.

const MAX_SERVER_ROWS = 200;

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

const POLICY_NAMES = {
  ANTI_AFFINITY: 'anti-affinity', AFFINITY: 'affinity',
  SOFT_ANTI_AFFINITY: 'soft anti-affinity', SOFT_AFFINITY: 'soft affinity'};

export function policyName(p) {
  return POLICY_NAMES[p] || p;
}

/** Servers by the host they hold a claim on. */
export function serversByHost(state) {
  const out = new Map();
  for (const s of state.servers.values()) {
    if (!s.host) {
      continue;
    }
    let list = out.get(s.host);
    if (!list) {
      list = [];
      out.set(s.host, list);
    }
    list.push(s);
  }
  return out;
}

function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function bar(label, used, total, unit) {
  const max = Math.max(total, used, 1);
  return `<div class="cap"><span class="cap-label">${label}</span>`
      + `<meter min="0" max="${max}" value="${used}" low="${0.7 * max}" high="${0.9 * max}" optimum="0"`
      + ` aria-label="${label} ${used} of ${total}${unit} allocated"></meter>`
      + `<span class="num">${used}/${total}${unit}</span></div>`;
}

function chip(s, highlight) {
  const hl = highlight && s.group === highlight ? ' hl' : '';
  return `<li class="srv s-${esc(s.status)}${hl}" data-name="${esc(s.name)}" data-status="${esc(s.status)}"`
      + ` data-g="${esc(s.group)}" title="${esc(s.name)} · ${esc(s.status)}">${esc(s.name)}</li>`;
}

/** One host's card. */
export function hostCard(h, servers, highlight) {
  servers = (servers || []).slice().sort(byName);
  const has = highlight && servers.some(s => s.group === highlight) ? ' has-hl' : '';
  const gib = m => Math.round(m / 1024);
  return `<article class="host st-${esc(h.state)}${has}" id="h:${esc(h.id)}" data-name="${esc(h.name)}"`
      + ` data-state="${esc(h.state)}" aria-label="host ${esc(h.name)}, ${esc(h.state)}">`
      + `<header><h5>${esc(h.name)}</h5><span class="badge st-${esc(h.state)}">${esc(h.state)}</span></header>`
      + (h.reason ? `<p class="reason">${esc(h.reason)}</p>` : '')
      + bar('vCPU', h.allocated.vcpus, h.allocatable.vcpus, '')
      + bar('Memory', gib(h.allocated.memory_mib), gib(h.allocatable.memory_mib), ' GiB')
      + bar('Disk', h.allocated.disk_gib, h.allocatable.disk_gib, ' GiB')
      + `<ul class="chips" aria-label="servers on ${esc(h.name)}">`
      + servers.map(s => chip(s, highlight)).join('') + '</ul></article>';
}

/** Zones, their racks, their hosts. */
export function topology(state) {
  const onHost = serversByHost(state);
  const zones = new Map();
  for (const h of state.hosts.values()) {
    const zone = h.zone || '(no zone)';
    const rack = h.rack || '(no rack)';
    if (!zones.has(zone)) {
      zones.set(zone, new Map());
    }
    const racks = zones.get(zone);
    if (!racks.has(rack)) {
      racks.set(rack, []);
    }
    racks.get(rack).push(h);
  }
  if (zones.size === 0) {
    return '<p class="empty">No hosts yet: start an agent and it appears here.</p>';
  }
  const parts = [];
  for (const zone of [...zones.keys()].sort()) {
    parts.push(`<section class="zone" aria-label="zone ${esc(zone)}"><h3>Zone ${esc(zone)}</h3>`);
    const racks = zones.get(zone);
    for (const rack of [...racks.keys()].sort()) {
      parts.push(`<section class="rack" aria-label="rack ${esc(rack)}"><h4>Rack ${esc(rack)}</h4><div class="hosts">`);
      for (const h of racks.get(rack).sort(byName)) {
        parts.push(hostCard(h, onHost.get(h.id), state.highlight));
      }
      parts.push('</div></section>');
    }
    parts.push('</section>');
  }
  return parts.join('');
}

/** The highlighted group's members per failure domain, against its max_per_domain. */
export function domainCounts(state) {
  const g = state.groups.get(state.highlight);
  if (!g) {
    return '';
  }
  const counts = new Map();
  for (const s of state.servers.values()) {
    const h = s.group === g.id && s.host ? state.hosts.get(s.host) : null;
    if (!h) {
      continue;
    }
    const domain = g.scope === 'RACK' ? h.rack || '(no rack)' : g.scope === 'ZONE' ? h.zone || '(no zone)' : h.name;
    counts.set(domain, (counts.get(domain) || 0) + 1);
  }
  const anti = g.policy === 'ANTI_AFFINITY';
  const rows = [...counts.keys()].sort().map(d => {
    const n = counts.get(d);
    const over = anti && n > g.max_per_domain;
    return `<li class="${over ? 'over' : ''}" data-domain="${esc(d)}">${esc(d)}: <strong>${n}</strong>`
        + (anti ? ` / ${g.max_per_domain}` : '') + (over ? ' (over)' : '') + '</li>';
  }).join('');
  const scope = g.scope.toLowerCase();
  return `<h3>${esc(g.name)}: ${policyName(g.policy)}, members per ${scope}`
      + (anti ? ` (max ${g.max_per_domain})` : '') + `</h3>`
      + (rows ? `<ul class="domains">${rows}</ul>` : `<p class="empty">No members placed yet.</p>`)
      + (g.compliant ? '' : `<p class="violation">Not compliant: ${esc(g.reason)}</p>`);
}

/** The groups table's rows. */
export function groupRows(state, armed) {
  const groups = [...state.groups.values()].sort(byName);
  if (groups.length === 0) {
    return '<tr><td colspan="7" class="empty">No server groups.</td></tr>';
  }
  return groups.map(g => {
    const violating = g.violating.map(id => (state.servers.get(id) || {name: id}).name);
    const compliance = g.compliant ? '<span class="ok">compliant</span>'
        : `<span class="bad">violated</span> by ${esc(violating.join(', '))}: ${esc(g.reason)}`;
    const confirm = armed === g.id;
    return `<tr data-name="${esc(g.name)}"><th scope="row">${esc(g.name)}</th><td>${policyName(g.policy)}</td>`
        + `<td>${g.scope.toLowerCase()}</td><td>${g.policy === 'ANTI_AFFINITY' ? g.max_per_domain : '—'}</td>`
        + `<td>${g.members}</td><td>${compliance}</td>`
        + `<td><button type="button" class="danger" data-action="delete-group" data-id="${esc(g.id)}"`
        + ` aria-label="${confirm ? 'Confirm: delete' : 'Delete'} group ${esc(g.name)}">`
        + `${confirm ? 'Really delete?' : 'Delete'}</button></td></tr>`;
  }).join('');
}

/** The servers table's rows (the first few hundred that pass the filter) and a summary line. */
export function serverRows(state, filter, armed) {
  const hostNeedle = filter.host.trim().toLowerCase();
  const matching = [];
  for (const s of state.servers.values()) {
    if ((filter.group && s.group !== filter.group) || (filter.state && s.status !== filter.state)
        || (hostNeedle && !s.host_name.toLowerCase().includes(hostNeedle))) {
      continue;
    }
    matching.push(s);
  }
  matching.sort(byName);
  const shown = matching.slice(0, MAX_SERVER_ROWS);
  const rows = shown.map(s => {
    const g = state.groups.get(s.group);
    const confirm = armed === s.id;
    return `<tr data-name="${esc(s.name)}" data-status="${esc(s.status)}"><th scope="row">${esc(s.name)}</th>`
        + `<td>${esc(g ? g.name : '')}</td><td>${esc(s.host_name)}</td>`
        + `<td><span class="state s-${esc(s.status)}">${esc(s.status)}</span></td><td>${esc(s.message)}</td>`
        + `<td><button type="button" class="danger" data-action="delete-server" data-id="${esc(s.id)}"`
        + ` aria-label="${confirm ? 'Confirm: delete' : 'Delete'} server ${esc(s.name)}">`
        + `${confirm ? 'Really delete?' : 'Delete'}</button></td></tr>`;
  }).join('');
  const summary = matching.length > shown.length
      ? `${matching.length} servers match; the first ${shown.length} are shown: filter to narrow.`
      : `${matching.length} server${matching.length === 1 ? '' : 's'}.`;
  return {rows: rows || '<tr><td colspan="6" class="empty">No servers match.</td></tr>', summary};
}

/** The servers a create made, followed until each is ACTIVE or ERROR. */
export function followed(state, ids) {
  if (!ids.length) {
    return '';
  }
  const items = ids.map(id => {
    const s = state.servers.get(id);
    if (!s) {
      return `<li>${esc(id)}: gone</li>`;
    }
    return `<li data-name="${esc(s.name)}" data-status="${esc(s.status)}">${esc(s.name)}: `
        + `<span class="state s-${esc(s.status)}">${esc(s.status)}</span>`
        + (s.host_name ? ` on ${esc(s.host_name)}` : '') + (s.message ? ` — ${esc(s.message)}` : '') + '</li>';
  }).join('');
  return `<h3>Following</h3><ul>${items}</ul>`;
}
