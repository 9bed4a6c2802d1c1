// Admin console, Audit log: filters (user, event type, since, rows), newest first, and
// "Show older events" through the list's cursor. auditTable() also draws a user's trail.

import { $, api, show } from './api.js';
import { el, guarded, onSubmit, table, withFieldErrors } from './console-ui.js';

// Event types the filter suggests (any type may be typed).
const kKnownTypes = [
  'device.activated', 'device.deactivated', 'device.stale_sweep', 'device.disowned',
  'session.created', 'session.password', 'session.stage', 'user.created', 'user.updated',
  'user.blocked', 'user.unblocked', 'user.locked_out', 'user.reregistration_required',
  'user.registration_link_issued', 'push.request', 'push.answer', 'push.fraud', 'phone.added',
  'phone.changed', 'phone.removed', 'phone.verification', 'app_password.created',
  'app_password.deleted', 'app_password.verify', 'temporary_access.issued',
  'temporary_access.used', 'trusted_browsers.revoked', 'settings.updated',
];

// The event's type, and its detail folded away (it can be long), one "key: value" line each.
function eventCell({ type, detail }) {
  if (!detail || typeof detail !== 'object' || Object.keys(detail).length === 0) return type;
  const lines = Object.entries(detail).map(([key, value]) =>
    `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return el('details', { class: 'audit-detail' }, el('summary', { text: type }),
    el('pre', { text: lines.join('\n') }));
}

// Audit times to the second, in UTC like the server's log lines they are matched with.
function exactTime(iso) {
  return el('time', { datetime: iso, text: `${iso.replace('T', ' ').replace(/\.\d+/, '').replace('Z', '')} UTC` });
}

/** The audit entries as a table (stacked at phone width); `oneUser` leaves out the user. */
export function auditTable(items, { caption = 'Audit events', oneUser = false } = {}) {
  const userColumn = { label: 'User', cell: (e) => e.username || e.user || '—' };
  const list = table(caption, [
    { label: 'Time (UTC)', cell: (e) => exactTime(e.time) },
    { label: 'Event', cell: eventCell },
    ...(oneUser ? [] : [userColumn]),
    { label: 'Actor', cell: (e) => [e.actor, e.ip ? el('span', { class: 'muted audit-ip', text: ` from ${e.ip}` }) : null] },
    { label: 'Result', cell: (e) => e.result },
    { label: 'Correlation ID', cell: (e) => el('code', { text: e.correlation_id }) },
  ], items, { empty: 'No event matches.' });
  list.querySelector('table')?.classList.add('audit-table');
  return list;
}

let shown = [];
let cursor = null;
let loaded = false;

function query(next) {
  const params = new URLSearchParams();
  for (const name of ['user', 'type']) {
    const value = $(`audit-${name}`).value.trim();
    if (value) params.set(name, value);
  }
  const since = $('audit-since').value;
  // datetime-local has no zone; the label says UTC.
  if (since) params.set('since', `${since.length === 16 ? `${since}:00` : since}Z`);
  params.set('limit', $('audit-limit').value);
  if (next) params.set('cursor', next);
  return `/v1/audit?${params}`;
}

async function load(more) {
  const inputs = { since: $('audit-since'), limit: $('audit-limit') };
  const page = await withFieldErrors(inputs, () => api('GET', query(more ? cursor : null)));
  shown = more ? shown.concat(page.items) : page.items;
  cursor = page.next_cursor;
  $('audit-list').replaceChildren(auditTable(shown));
  show($('audit-more'), Boolean(cursor));
  loaded = true;
}

/** Shows the audit section (loading it the first time). */
export function showAudit() {
  if (!loaded) guarded(null, () => load(false), document.querySelector('#audit-section .section-error'));
}

/** Wires the filter form and "Show older events". */
export function wireAudit() {
  $('audit-types').replaceChildren(...kKnownTypes.map((t) => el('option', { value: t })));
  onSubmit($('audit-form'), () => load(false));
  const more = $('audit-more');
  more.addEventListener('click', () => guarded(more, () => load(true)));
}
