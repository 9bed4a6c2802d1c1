// Security info: the authenticator app's devices (name, platform, added, last seen, Remove)
// and "Set up a new phone", optionally replacing one of them (move to a new phone): the QR
// code and the code + URL for manual entry, polled until the phone completes activation.

import { $, api, go, show } from './api.js';
import { announce, confirmDialog, el, guarded, localPath, onSubmit, table, timeCell } from './console-ui.js';

const kPollMs = 2000;
let devices = [];
let polling = null;  // the pending activation's timer

function removeButton(device, refresh) {
  const button = el('button', {
    type: 'button',
    class: 'danger small',
    'aria-label': `Remove ${device.display_name}`,
    text: 'Remove',
  });
  button.addEventListener('click', () => guarded(button, async () => {
    const sure = await confirmDialog(`Remove ${device.display_name}?`, 'Remove',
      'The app on that phone stops working for this account at once, even if it is still installed.');
    if (!sure) return;
    await api('DELETE', `/v1/me/authenticators/${encodeURIComponent(device.id)}`);
    await refresh();
    announce(`${device.display_name} was removed.`);
  }));
  return button;
}

/** Draws the device list and the "replace" choices of the new-phone form. */
export function renderDevices(items, refresh) {
  devices = items;
  const columns = [
    { label: 'Name', cell: (d) => d.display_name },
    { label: 'Platform', cell: (d) => `${d.platform} (app ${d.app_version})` },
    { label: 'Added', cell: (d) => timeCell(d.created_at) },
    { label: 'Last seen', cell: (d) => timeCell(d.last_seen_at) },
    { label: 'Action', cell: (d) => removeButton(d, refresh) },
  ];
  $('devices-list').replaceChildren(table('Your phones with the authenticator app', columns, items,
    { empty: 'No phone has the authenticator app yet.' }));
  const select = $('replace-device');
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '', text: 'Add it next to my other phones' }),
    ...items.map((d) => el('option', { value: d.id, text: `Replace ${d.display_name} (move to a new phone)` })));
  if (items.some((d) => d.id === chosen)) select.value = chosen;
}

function stopPolling() {
  if (polling) clearTimeout(polling);
  polling = null;
}

function closeActivation() {
  stopPolling();
  const box = $('activation');
  box.replaceChildren();
  show(box, false);
}

function activationBox(activation, replaced) {
  const steps = el('ol', { class: 'steps' },
    el('li', { text: 'Open the twostep app on your new phone and choose "Add account".' }),
    el('li', { text: 'Scan this QR code, or type the code and URL below.' }),
    el('li', { text: 'This page updates by itself when the phone is ready.' }));
  const manual = el('dl', { class: 'manual-entry' },
    el('dt', { text: 'Code' }), el('dd', {}, el('code', { id: 'activation-code', text: activation.code })),
    el('dt', { text: 'URL' }), el('dd', {}, el('code', { id: 'activation-url', text: activation.url })));
  const cancel = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
  cancel.addEventListener('click', () => { closeActivation(); announce('Setting up a new phone was cancelled.'); });
  return el('div', { class: 'setup-box' },
    el('h3', { text: replaced ? `Move from ${replaced.display_name} to a new phone` : 'Set up a new phone' }),
    replaced ? el('p', { class: 'hint', text: `${replaced.display_name} keeps working until the new phone is ready, then it is removed.` }) : null,
    steps,
    el('img', { class: 'qr', id: 'activation-qr', src: localPath(activation.qr_png_url), width: 220, height: 220,
      alt: 'QR code to scan with the twostep app' }),
    manual,
    el('p', {}, el('a', { href: activation.activation_uri, text: 'Open in the twostep app on this phone' })),
    el('p', { id: 'activation-state', class: 'hint', text: `Waiting for your phone… The code works until ${new Date(activation.expires_at).toLocaleTimeString()}.` }),
    el('div', { class: 'actions' }, cancel));
}

async function poll(statusPath, refresh) {
  polling = null;
  let status;
  try {
    status = await api('GET', statusPath);
  } catch (error) {
    if (error.status === 401) {
      go('/');
      return;
    }
    // A passing network failure: try again a little later.
    polling = setTimeout(() => poll(statusPath, refresh), kPollMs * 2);
    return;
  }
  if (status.status === 'completed') {
    closeActivation();
    await refresh();
    announce('Your new phone is ready: the authenticator app is set up.');
  } else if (status.status === 'expired') {
    stopPolling();
    $('activation-state').textContent = 'This code expired. Choose "Set up a new phone" again for a new one.';
    announce('The setup code expired.');
  } else {
    polling = setTimeout(() => poll(statusPath, refresh), kPollMs);
  }
}

/** Wires the "Set up a new phone" form. */
export function wireDevices(refresh) {
  onSubmit($('new-phone-form'), async () => {
    closeActivation();
    const replace = $('replace-device').value;
    const body = replace ? { replace_device_id: replace } : {};
    const activation = await api('POST', '/v1/me/authenticators/activations', body);
    const box = $('activation');
    box.replaceChildren(activationBox(activation, devices.find((d) => d.id === replace)));
    show(box, true);
    announce('Scan the QR code with the twostep app on your new phone.');
    const statusPath = activation.status_url
      ? localPath(activation.status_url)
      : `/v1/me/authenticators/activations/${encodeURIComponent(activation.activation_id)}`;
    polling = setTimeout(() => poll(statusPath, refresh), kPollMs);
  });
}
