// The admin console: for a signed-in user whose role is admin (the admin API accepts that
// session, with the CSRF token on writes). Four sections behind tabs — users, devices (stale
// ones and the sweep), the audit log, settings — each in its own admin-*.js module. The
// chosen tab is kept in the URL's fragment so that reloading stays on it.

import { $, api, show, wireSignOut } from './api.js';
import { startPage } from './console-ui.js';
import { wireUsers } from './admin-users.js';
import { showDevices, wireDevices } from './admin-devices.js';
import { showAudit, wireAudit } from './admin-audit.js';
import { showSettings, wireSettings } from './admin-settings.js';

const kTabs = {
  users: () => $('user-query').focus(),
  devices: showDevices,
  audit: showAudit,
  settings: showSettings,
};

function choose(tab) {
  const name = kTabs[tab] ? tab : 'users';
  for (const button of document.querySelectorAll('[data-tab]')) {
    const chosen = button.dataset.tab === name;
    button.setAttribute('aria-pressed', String(chosen));
    show($(`${button.dataset.tab}-section`), chosen);
  }
  return name;
}

function wireTabs() {
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.addEventListener('click', () => {
      const name = choose(button.dataset.tab);
      window.history.replaceState(null, '', `#${name}`);
      kTabs[name]();
    });
  }
}

async function start() {
  wireSignOut($('sign-out'));
  await startPage(async () => {
    const me = await api('GET', '/v1/me');
    $('signed-in-as').textContent = `Signed in as ${me.user.username}`;
    if (me.user.role !== 'admin') {
      show($('not-admin'), true);
      return;
    }
    wireTabs();
    wireUsers();
    wireDevices();
    wireAudit();
    wireSettings();
    show($('console'), true);
    const tab = choose(window.location.hash.slice(1));
    if (tab !== 'users') kTabs[tab]();
  });
}

start();
