// Admin console, one user: status, methods (devices with Remove), the help desk's actions
// (unblock, disable or enable, temporary access code, a new registration link, require
// re-registration, restore the second step on trusted browsers) and the user's audit
// trail. Codes and links the server shows once appear in a box with a Copy button.

import { $, api, show } from './api.js';
import { announce, confirmDialog, copyButton, el, field, formatTime, guarded, onSubmit, table, timeCell, withFieldErrors } from './console-ui.js';
import { auditTable } from './admin-audit.js';

const kBadge = { active: 'ok', blocked: 'bad', disabled: 'warn' };

/** The user's status as a badge. */
export function statusBadge(user) {
  return el('span', { class: `badge ${kBadge[user.status] || ''}`, text: user.status });
}

function userPath(user, rest = '') {
  return `/v1/users/${encodeURIComponent(user.id)}${rest}`;
}

function details(user, methods) {
  const rows = [
    ['Status', statusBadge(user)],
    ['Role', user.role],
    ['Created', timeCell(user.created_at)],
    ['Password', user.password_set ? 'Set' : 'Not set yet'],
    ['Registration link', user.registration.pending ? `Open until ${formatTime(user.registration.expires_at)}` : 'None outstanding'],
    ['Preferred method', methods.preferred_method || 'None chosen'],
    ['Trusted browsers', String(methods.trusted_browsers.count)],
    ['App passwords', String(methods.app_passwords.length)],
  ];
  if (user.locked_until) rows.push(['Locked until', timeCell(user.locked_until)]);
  return el('dl', { class: 'details' }, rows.map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
}

function removeDeviceButton(user, device) {
  const button = el('button', {
    type: 'button', class: 'danger small', 'aria-label': `Remove ${device.display_name}`, text: 'Remove',
  });
  button.addEventListener('click', () => guarded(button, async () => {
    if (!await confirmDialog(`Remove ${device.display_name} of ${user.username}?`, 'Remove',
      'The device stops working at once and cannot be turned back on.')) return;
    await api('DELETE', userPath(user, `/authenticators/${encodeURIComponent(device.id)}`));
    await openUser(user.id);
    announce(`${device.display_name} was removed.`);
  }));
  return button;
}

function methodsBlock(user, methods) {
  const devices = table(`Devices of ${user.username}`, [
    { label: 'Device', cell: (d) => d.display_name },
    { label: 'Platform', cell: (d) => `${d.platform} ${d.app_version}` },
    { label: 'Added', cell: (d) => timeCell(d.created_at) },
    { label: 'Last seen', cell: (d) => timeCell(d.last_seen_at) },
    { label: 'Action', cell: (d) => removeDeviceButton(user, d) },
  ], methods.authenticators, { empty: 'No active authenticator device.' });
  const oath = table(`Authenticator apps of ${user.username}`, [
    { label: 'App', cell: (t) => t.display_name },
    { label: 'Status', cell: (t) => t.status },
    { label: 'Added', cell: (t) => timeCell(t.created_at) },
  ], methods.oath_tokens, { empty: 'No other authenticator app.' });
  const phones = table(`Phones of ${user.username}`, [
    { label: 'Phone', cell: (p) => p.type.replace('_', ' ') },
    { label: 'Number', cell: (p) => p.display },
    { label: 'Verified', cell: (p) => (p.verified ? 'Yes' : 'No') },
  ], methods.phones, { empty: 'No phone number.' });
  return [el('h4', { text: 'Authenticator devices' }), devices,
    el('h4', { text: 'Authenticator apps' }), oath, el('h4', { text: 'Phone numbers' }), phones];
}

/** Shows a value the server gives once (a code, a link) with a Copy button. */
export function shownOnce(title, value, note) {
  const box = $('user-once');
  box.replaceChildren(el('h4', { text: title }), el('p', { text: note }),
    el('p', {}, el('code', { class: 'secret', id: 'once-value', text: value })),
    el('div', { class: 'actions' }, copyButton(value)));
  show(box, true);
}

function actionButton(text, classes, action) {
  const button = el('button', { type: 'button', class: classes, text });
  button.addEventListener('click', () => guarded(button, action));
  return button;
}

function temporaryAccessForm(user) {
  const hours = field('tap-hours', 'Valid for (hours)', { type: 'number', min: 1, max: 24, value: 8, required: true });
  const submit = el('button', { type: 'submit', text: 'Issue temporary access code' });
  const form = el('form', { class: 'inline-form', novalidate: true }, hours.wrap, submit);
  onSubmit(form, async () => {
    const issued = await withFieldErrors({ hours: hours.input },
      () => api('POST', userPath(user, '/temporary-access'), { hours: Number(hours.input.value) }));
    shownOnce('Temporary access code', issued.code,
      `Give it to ${user.display_name} over a channel you trust. It works once, until ${formatTime(issued.expires_at)}, and is not shown again.`);
    announce('A temporary access code was issued.');
  });
  return form;
}

// Disable (after a confirm) or enable the user's sign-in; a blocked user is unblocked instead.
function statusButton(user) {
  if (user.status === 'blocked') return null;
  const enable = user.status === 'disabled';
  return actionButton(enable ? 'Enable sign-in' : 'Disable sign-in', enable ? null : 'danger', async () => {
    if (!enable && !await confirmDialog(`Disable ${user.username}?`, 'Disable',
      'The user can no longer sign in or approve requests until enabled again. Nothing is removed.')) return;
    await api('PATCH', userPath(user), { status: enable ? 'active' : 'disabled' });
    await openUser(user.id);
    announce(`${user.username} is ${enable ? 'enabled' : 'disabled'}.`);
  });
}

function actions(user) {
  const linkNote = (answer) => `Send it to ${user.display_name}. It works until ${formatTime(answer.registration_expires_at)}; the old link no longer works.`;
  const buttons = [
    user.status === 'blocked' ? actionButton('Unblock', null, async () => {
      await api('POST', userPath(user, '/unblock'));
      await openUser(user.id);
      announce(`${user.username} is unblocked.`);
    }) : null,
    statusButton(user),
    actionButton('Send a new registration link', 'secondary', async () => {
      const answer = await api('POST', userPath(user, '/registration-link'));
      shownOnce('New registration link', answer.registration_url, linkNote(answer));
      announce('A new registration link was made.');
    }),
    actionButton('Restore the second step on trusted browsers', 'secondary', async () => {
      const answer = await api('POST', userPath(user, '/trusted-browsers/revoke'));
      await openUser(user.id, false);
      announce(`${answer.revoked} trusted browser(s) of ${user.username} must use the second step again.`);
    }),
    actionButton('Require re-registration', 'danger', async () => {
      if (!await confirmDialog(`Require ${user.username} to register again?`, 'Remove every method',
        'Every device, authenticator app, phone number and app password of this user is removed now.')) return;
      const answer = await api('POST', userPath(user, '/require-reregistration'));
      await openUser(user.id);
      shownOnce('Registration link', answer.registration_url, linkNote(answer));
      announce(`Every method of ${user.username} was removed (${answer.deactivated_devices} device(s)).`);
    }),
  ];
  return [temporaryAccessForm(user), el('div', { class: 'actions' }, buttons)];
}

/** Shows user `id` (re-read from the server); `clearOnce` hides a shown-once value. */
export async function openUser(id, clearOnce = true) {
  const path = `/v1/users/${encodeURIComponent(id)}`;
  const [user, methods, audit] = await Promise.all([
    api('GET', path), api('GET', `${path}/methods`),
    api('GET', `/v1/audit?user=${encodeURIComponent(id)}&limit=20`),
  ]);
  const detail = $('user-detail');
  const once = clearOnce ? el('div', { id: 'user-once', class: 'notice', hidden: true }) : $('user-once');
  const title = el('h3', { id: 'user-detail-title', tabindex: '-1', text: `${user.display_name} (${user.username})` });
  detail.replaceChildren(title, details(user, methods), ...actions(user), once,
    ...methodsBlock(user, methods),
    el('h4', { text: 'Recent audit events' }), auditTable(audit.items, { caption: `Audit trail of ${user.username}`, oneUser: true }));
  show(detail, true);
  if (clearOnce) title.focus();
}
