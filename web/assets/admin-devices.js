// Admin console, Devices: every active authenticator device with its last contact; those not
// seen for N days (the server's own judgement, GET /v1/authenticators?not_seen_days=N) are
// highlighted as stale. The sweep is two steps: a dry run lists what would be removed, and
// only its confirmation removes them (reason "stale").

import { $, api, show } from './api.js';
import { announce, confirmDialog, el, guarded, table, timeCell, withFieldErrors } from './console-ui.js';

const kPage = 200;
let loaded = false;

function days() {
  return Number.parseInt($('stale-days').value, 10);
}

// Puts a refusal of the day count next to its field, and passes the error on.
function withDaysField(action) {
  return withFieldErrors({ not_seen_days: $('stale-days') }, action);
}

function removeButton(device) {
  const button = el('button', {
    type: 'button', class: 'danger small', 'aria-label': `Remove ${device.display_name} of ${device.username}`, text: 'Remove',
  });
  button.addEventListener('click', () => guarded(button, async () => {
    if (!await confirmDialog(`Remove ${device.display_name} of ${device.username}?`, 'Remove',
      'The device stops working at once and cannot be turned back on.')) return;
    await api('DELETE', `/v1/users/${encodeURIComponent(device.user)}/authenticators/${encodeURIComponent(device.id)}`);
    await loadDevices();
    announce(`${device.display_name} of ${device.username} was removed.`);
  }));
  return button;
}

async function loadDevices() {
  const n = days();
  const [all, stale] = await withDaysField(() => Promise.all([
    api('GET', `/v1/authenticators?status=active&limit=${kPage}`),
    api('GET', `/v1/authenticators?status=active&not_seen_days=${n}&limit=${kPage}`),
  ]));
  const staleIds = new Set(stale.items.map((d) => d.id));
  const isStale = (d) => staleIds.has(d.id);
  const columns = [
    { label: 'User', cell: (d) => d.username },
    { label: 'Device', cell: (d) => d.display_name },
    { label: 'Platform', cell: (d) => `${d.platform} ${d.app_version}` },
    { label: 'Added', cell: (d) => timeCell(d.created_at) },
    { label: 'Last seen', cell: (d) => timeCell(d.last_seen_at) },
    { label: 'State', cell: (d) => (isStale(d) ? el('span', { class: 'badge warn', text: 'Stale' }) : el('span', { class: 'badge ok', text: 'Recent' })) },
    { label: 'Action', cell: removeButton },
  ];
  const summary = `${all.items.length}${all.next_cursor ? '+' : ''} active devices, ${stale.items.length}${stale.next_cursor ? '+' : ''} not seen for ${n} days or more.`;
  $('device-list').replaceChildren(el('p', { id: 'device-summary', class: 'muted', text: summary }),
    table('Active authenticator devices', columns, all.items,
      { empty: 'No active device.', rowClass: (d) => (isStale(d) ? 'stale' : null) }));
  loaded = true;
}

function closeSweep() {
  const box = $('sweep-result');
  box.replaceChildren();
  show(box, false);
}

async function realSweep(n, count) {
  const sure = await confirmDialog(`Remove ${count} stale device${count === 1 ? '' : 's'}?`, 'Remove them',
    `Devices not seen for ${n} days stop working at once. Their users can set up their phone again.`);
  if (!sure) return;
  const result = await api('POST', '/v1/authenticators/deactivate-stale', { not_seen_days: n, dry_run: false });
  closeSweep();
  await loadDevices();
  const more = result.more ? ' More remain: run the sweep again.' : '';
  announce(`Removed ${result.deactivated.length} stale device${result.deactivated.length === 1 ? '' : 's'}.${more}`);
}

function sweepBox(n, result) {
  const count = result.deactivated.length;
  if (count === 0) {
    return [el('p', { text: `No active device has been unseen for ${n} days. Nothing to remove.` })];
  }
  const label = count === 1 ? 'Remove this device' : `Remove these ${count} devices`;
  const confirm = el('button', { type: 'button', class: 'danger', text: label });
  confirm.addEventListener('click', () => guarded(confirm, () => realSweep(n, count)));
  const cancel = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
  cancel.addEventListener('click', () => { closeSweep(); announce('The sweep was cancelled; nothing changed.'); });
  return [
    el('h3', { text: `Dry run: ${count}${result.more ? '+' : ''} device${count === 1 ? '' : 's'} would be removed` }),
    el('p', { class: 'hint', text: 'Nothing has changed yet.' }),
    table('Devices the sweep would remove', [
      { label: 'User', cell: (d) => d.username },
      { label: 'Device', cell: (d) => d.display_name },
      { label: 'Last seen', cell: (d) => timeCell(d.last_seen_at) },
    ], result.deactivated),
    el('div', { class: 'actions' }, confirm, cancel),
  ];
}

async function dryRun() {
  const n = days();
  const result = await withDaysField(() => api('POST', '/v1/authenticators/deactivate-stale', { not_seen_days: n, dry_run: true }));
  const box = $('sweep-result');
  box.replaceChildren(...sweepBox(n, result));
  show(box, true);
  await loadDevices();
  announce(`Dry run: ${result.deactivated.length} device(s) would be removed. Nothing has changed yet.`);
}

/** Shows the devices section (loading it the first time, with the organisation's stale days). */
export function showDevices() {
  if (loaded) return;
  guarded(null, async () => {
    const settings = await api('GET', '/v1/settings');
    if (settings.stale_device_days > 0) $('stale-days').value = String(settings.stale_device_days);
    await loadDevices();
  }, document.querySelector('#devices-section .section-error'));
}

/** Wires the day count form and the dry run. */
export function wireDevices() {
  $('stale-form').addEventListener('submit', (event) => {
    event.preventDefault();
    closeSweep();
    guarded(event.submitter, loadDevices);
  });
  const button = $('dry-run');
  button.addEventListener('click', () => guarded(button, dryRun));
}
