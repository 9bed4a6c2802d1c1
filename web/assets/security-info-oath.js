// Security info: third-party authenticator apps (OATH TOTP). Adding one shows the otpauth QR
// code and the secret, and the app counts only once its first code is confirmed; removing
// one asks first.

import { $, api, show } from './api.js';
import { announce, confirmDialog, el, field, guarded, localPath, onSubmit, table, timeCell } from './console-ui.js';

function statusText(token) {
  return token.status === 'active' ? 'In use' : 'Waiting for its first code';
}

function removeButton(token, refresh) {
  const button = el('button', {
    type: 'button', class: 'danger small', 'aria-label': `Remove ${token.display_name}`, text: 'Remove',
  });
  button.addEventListener('click', () => guarded(button, async () => {
    if (!await confirmDialog(`Remove ${token.display_name}?`, 'Remove',
      'Its codes stop working at once. Delete the account in that app too.')) return;
    await api('DELETE', `/v1/me/oath-tokens/${encodeURIComponent(token.id)}`);
    closeSetup();
    await refresh();
    announce(`${token.display_name} was removed.`);
  }));
  return button;
}

/** Draws the list of OATH apps. */
export function renderOathTokens(items, refresh) {
  const columns = [
    { label: 'Name', cell: (t) => t.display_name },
    { label: 'Status', cell: statusText },
    { label: 'Added', cell: (t) => timeCell(t.created_at) },
    { label: 'Action', cell: (t) => removeButton(t, refresh) },
  ];
  $('oath-list').replaceChildren(table('Your other authenticator apps', columns, items,
    { empty: 'No other authenticator app yet.' }));
}

function closeSetup() {
  const box = $('oath-setup');
  box.replaceChildren();
  show(box, false);
}

function confirmForm(token, refresh) {
  const code = field('oath-code', `First code shown by ${token.display_name}`, {
    inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: 10,
  });
  const submit = el('button', { type: 'submit', text: 'Confirm' });
  const form = el('form', { class: 'inline-form' }, code.wrap, submit);
  onSubmit(form, async () => {
    await api('POST', `/v1/me/oath-tokens/${encodeURIComponent(token.id)}/verify`,
      { code: code.input.value.trim() });
    closeSetup();
    await refresh();
    announce(`${token.display_name} is set up.`);
  });
  return form;
}

function setupBox(token, refresh) {
  return [
    el('h3', { text: `Add ${token.display_name}` }),
    el('p', { text: 'Scan this QR code with the app, or enter the secret key by hand. Then type the first code it shows.' }),
    el('img', { class: 'qr', id: 'oath-qr', src: localPath(token.qr_png_url), width: 220, height: 220,
      alt: 'QR code for your authenticator app' }),
    el('dl', { class: 'manual-entry' },
      el('dt', { text: 'Secret key' }), el('dd', {}, el('code', { id: 'oath-secret', text: token.secret })),
      el('dt', { text: 'Type' }), el('dd', { text: `Time-based, ${token.digits} digits, every ${token.period} seconds` })),
    confirmForm(token, refresh),
  ];
}

/** Wires the "Add an authenticator app" form. */
export function wireOathTokens(refresh) {
  onSubmit($('oath-form'), async () => {
    const name = $('oath-name');
    const token = await api('POST', '/v1/me/oath-tokens', { display_name: name.value.trim() });
    name.value = '';
    const box = $('oath-setup');
    box.replaceChildren(...setupBox(token, refresh));
    show(box, true);
    await refresh();
    $('oath-code').focus();
    announce('Scan the QR code, then type the first code.');
  });
}
