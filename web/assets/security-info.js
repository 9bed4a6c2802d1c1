// The Security info page (the seed's "Additional security verification"): loads GET /v1/me,
// shows every method of the signed-in user, and wires the sections (devices, OATH apps,
// phones and app passwords live in their own security-info-*.js modules). A page without a
// signed-in session goes to the sign-in page.

import { $, api, show, wireSignOut } from './api.js';
import { announce, el, guarded, onSubmit, startPage } from './console-ui.js';
import { renderDevices, wireDevices } from './security-info-devices.js';
import { renderOathTokens, wireOathTokens } from './security-info-oath.js';
import { renderPhones } from './security-info-phones.js';
import { renderAppPasswords, wireAppPasswords } from './security-info-passwords.js';

const kMethodNames = {
  push: 'Approve a notification in the app',
  totp: 'Enter a code from an authenticator app',
  sms: 'Text a code to my mobile phone',
  voice: 'Call my phone',
};

/** The methods the user may choose as the default, from what they have. */
function availableMethods(methods) {
  const out = [];
  if (methods.authenticators.length > 0) out.push('push');
  const activeOath = methods.oath_tokens.some((t) => t.status === 'active');
  if (methods.authenticators.length > 0 || activeOath) out.push('totp');
  if (methods.phones.some((p) => p.type === 'mobile')) out.push('sms', 'voice');
  return out;
}

function renderPreferred(methods) {
  const select = $('preferred-method');
  const choices = availableMethods(methods);
  const options = choices.map((m) => el('option', { value: m, text: kMethodNames[m] }));
  if (!methods.preferred_method) {
    options.unshift(el('option', { value: '', text: 'Choose a method…' }));
  }
  select.replaceChildren(...options);
  select.value = methods.preferred_method || '';
  select.disabled = choices.length === 0;
}

function renderTrusted(methods, settings) {
  const count = methods.trusted_browsers.count;
  const days = settings.remember_days;
  const policy = days > 0
    ? `When you tick "Don't ask again for ${days} days" while signing in, that browser skips the second step.`
    : 'Your organisation does not let browsers skip the second step.';
  const current = count === 1 ? '1 browser or app is trusted now.' : `${count} browsers or apps are trusted now.`;
  $('trusted-count').textContent = `${policy} ${current} If you lost a device or think your account is at risk, restore the second step everywhere.`;
}

/** Reloads GET /v1/me and redraws every section (forms in progress are kept). */
export async function refresh() {
  const me = await api('GET', '/v1/me');
  $('signed-in-as').textContent = `Signed in as ${me.user.display_name} (${me.user.username})`;
  show($('admin-link'), me.user.role === 'admin');
  renderPreferred(me.methods);
  renderDevices(me.methods.authenticators, refresh);
  renderOathTokens(me.methods.oath_tokens, refresh);
  renderPhones(me.methods.phones, me.methods.preferred_method, refresh);
  renderTrusted(me.methods, me.settings);
  renderAppPasswords(me.methods.app_passwords, me.settings, refresh);
  return me;
}

function wirePreferred() {
  onSubmit($('preferred-form'), async () => {
    const method = $('preferred-method').value;
    await api('PATCH', '/v1/me/preferences', { preferred_method: method });
    await refresh();
    announce(`Your default sign-in method is now: ${kMethodNames[method]}.`);
  });
}

function wireTrusted() {
  const button = $('restore-mfa');
  button.addEventListener('click', () => guarded(button, async () => {
    const answer = await api('POST', '/v1/me/trusted-browsers/revoke');
    await refresh();
    const n = answer.revoked;
    announce(`Done: every browser and app will ask for the second step again (${n} trusted ${n === 1 ? 'one' : 'ones'} ended).`);
  }));
}

async function start() {
  wireSignOut($('sign-out'));
  wirePreferred();
  wireDevices(refresh);
  wireOathTokens(refresh);
  wireTrusted();
  wireAppPasswords(refresh);
  await startPage(async () => {
    await refresh();
    show($('content'), true);
  });
}

start();
