// Security info: app passwords. Creating one shows the password this once, with a Copy
// button; the list shows each one's name, creation and last use; Delete asks first.

import { $, api, show } from './api.js';
import { announce, confirmDialog, copyButton, el, guarded, onSubmit, table, timeCell } from './console-ui.js';

function deleteButton(item, refresh) {
  const button = el('button', {
    type: 'button', class: 'danger small', 'aria-label': `Delete app password ${item.name}`, text: 'Delete',
  });
  button.addEventListener('click', () => guarded(button, async () => {
    if (!await confirmDialog(`Delete the app password "${item.name}"?`, 'Delete',
      'Apps that use it will no longer be able to sign in.')) return;
    await api('DELETE', `/v1/me/app-passwords/${encodeURIComponent(item.id)}`);
    await refresh();
    announce(`The app password "${item.name}" was deleted.`);
  }));
  return button;
}

/** Draws the list, or says the organisation turned app passwords off. */
export function renderAppPasswords(items, settings, refresh) {
  const enabled = settings.app_passwords_enabled;
  show($('app-password-form'), enabled);
  const columns = [
    { label: 'Name', cell: (p) => p.name },
    { label: 'Created', cell: (p) => timeCell(p.created_at) },
    { label: 'Last used', cell: (p) => (p.last_used_at ? timeCell(p.last_used_at) : 'Never') },
    { label: 'Action', cell: (p) => deleteButton(p, refresh) },
  ];
  const list = table('Your app passwords', columns, items, { empty: 'You have no app passwords.' });
  const note = enabled ? null : el('p', { class: 'hint', text: 'Your organisation has turned app passwords off.' });
  $('app-passwords-list').replaceChildren(...[note, list].filter(Boolean));
}

function shownOnce(created) {
  const done = el('button', { type: 'button', class: 'secondary', text: 'Done' });
  done.addEventListener('click', () => {
    const box = $('app-password-created');
    box.replaceChildren();
    show(box, false);
    $('app-password-name').focus();
  });
  return [
    el('h3', { text: `Your app password for "${created.name}"` }),
    el('p', { text: 'Copy it into the app now: it is not shown again.' }),
    el('p', { class: 'secret' }, el('code', { id: 'app-password-value', text: created.password })),
    el('div', { class: 'actions' }, copyButton(created.password, 'Copy password'), done),
  ];
}

/** Wires the "Create app password" form. */
export function wireAppPasswords(refresh) {
  onSubmit($('app-password-form'), async () => {
    const name = $('app-password-name');
    const created = await api('POST', '/v1/me/app-passwords', { name: name.value.trim() });
    name.value = '';
    const box = $('app-password-created');
    box.replaceChildren(...shownOnce(created));
    show(box, true);
    await refresh();
    announce(`App password "${created.name}" created. Copy it now: it is shown only once.`);
  });
}
