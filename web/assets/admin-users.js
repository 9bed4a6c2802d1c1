// Admin console, Users: search by username or display name, add a user (the registration
// link is shown once), and open one user's page (admin-user-detail.js).

import { $, api } from './api.js';
import { announce, el, formatTime, guarded, onSubmit, table, withFieldErrors } from './console-ui.js';
import { openUser, shownOnce, statusBadge } from './admin-user-detail.js';

function openButton(user) {
  const button = el('button', {
    type: 'button', class: 'secondary small', 'aria-label': `Open ${user.username}`, text: 'Open',
  });
  button.addEventListener('click', () => guarded(button, () => openUser(user.id)));
  return button;
}

async function search(query) {
  const page = await api('GET', `/v1/users?q=${encodeURIComponent(query)}&limit=50`);
  const columns = [
    { label: 'Username', cell: (u) => u.username },
    { label: 'Name', cell: (u) => u.display_name },
    { label: 'Status', cell: statusBadge },
    { label: 'Role', cell: (u) => u.role },
    { label: 'Action', cell: openButton },
  ];
  const found = page.items.length === 1 ? '1 user' : `${page.items.length}${page.next_cursor ? '+' : ''} users`;
  $('user-results').replaceChildren(
    el('p', { class: 'muted', text: query ? `${found} matching "${query}".` : `${found}.` }),
    table('Users', columns, page.items, { empty: 'No user matches.' }));
}

// POST /v1/users; a refusal of a field shows next to it.
async function addUser() {
  const username = $('new-username');
  const displayName = $('new-display-name');
  const created = await withFieldErrors({ username, display_name: displayName }, () => api('POST', '/v1/users', {
    username: username.value.trim(), display_name: displayName.value.trim(), role: $('new-role').value,
  }));
  $('add-user-form').reset();
  $('user-query').value = created.username;
  await search(created.username);
  await openUser(created.id);
  shownOnce('Registration link', created.registration_url,
    `Send it to ${created.display_name}: it sets a password and the first method, until ${formatTime(created.registration_expires_at)}.`);
  announce(`${created.username} was added.`);
}

/** Wires the search and add forms and lists the first users. */
export function wireUsers() {
  onSubmit($('user-search'), () => search($('user-query').value.trim()));
  onSubmit($('add-user-form'), addUser);
  guarded(null, () => search(''), document.querySelector('#users-section .section-error'));
}
