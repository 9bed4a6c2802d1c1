// Admin console, Settings: the organisation's settings as a form. Only changed fields are
// sent (PATCH /v1/settings is all-or-nothing); the server is the one judge of a value, and a
// refusal is shown next to the field it names.

import { $, api } from './api.js';
import { announce, el, field, guarded, onSubmit, withFieldErrors } from './console-ui.js';

// Labels and hints of the known settings; any other setting the server lists is shown too.
const kLabels = {
  remember_days: ['"Don\'t ask again" for this many days', '0 turns remembered browsers off; at most 365.'],
  push_timeout_seconds: ['Push requests expire after (seconds)', '10 to 300.'],
  totp_window_steps: ['Code window (30-second steps either side)', '0 to 10.'],
  lockout_threshold: ['Lock a user out after this many failures', '1 to 100.'],
  lockout_minutes: ['Lockout lasts (minutes)', '1 to 1440.'],
  app_passwords_enabled: ['Allow app passwords', ''],
  max_app_passwords: ['App passwords per user', '1 to 100.'],
  stale_device_days: ['Remove devices not seen for (days)', '0 turns the automatic sweep off; at most 3650.'],
  verify_all_phone_changes: ['Verify every new phone number with a code', 'Otherwise only the number of the default method is verified.'],
  registration_link_days: ['Registration links work for (days)', '1 to 30.'],
  push_max_outstanding: ['Pending push requests per user', '1 to 20.'],
  push_max_per_minute: ['Push requests per user per minute', '1 to 60.'],
  unknown_user_preauth: ['Pre-auth answer for unknown users', '"enroll" hides whether a username exists.'],
};
const kChoices = { unknown_user_preauth: ['deny', 'enroll'] };

let saved = {};
const inputs = new Map();

function inputFor(name, value) {
  const [label, hint] = kLabels[name] || [name.replaceAll('_', ' '), ''];
  const id = `setting-${name}`;
  if (typeof value === 'boolean') {
    const input = el('input', { id, name, type: 'checkbox', 'aria-describedby': `${id}-message` });
    input.checked = value;
    const wrap = el('div', { class: 'field' },
      el('div', { class: 'check' }, input, el('label', { for: id, text: label })),
      hint ? el('p', { class: 'hint', text: hint }) : null,
      el('p', { class: 'field-message', id: `${id}-message` }));
    return { wrap, input };
  }
  const choices = kChoices[name];
  const made = choices
    ? field(id, label, {}, 'select')
    : field(id, label, { type: typeof value === 'number' ? 'number' : 'text', inputmode: 'numeric' });
  if (choices) made.input.replaceChildren(...choices.map((c) => el('option', { value: c, text: c })));
  made.input.value = String(value);
  if (hint) made.wrap.insertBefore(el('p', { class: 'hint', text: hint }), made.message);
  return made;
}

function render(settings) {
  saved = settings;
  inputs.clear();
  const fields = Object.entries(settings).map(([name, value]) => {
    const { wrap, input } = inputFor(name, value);
    inputs.set(name, input);
    return wrap;
  });
  $('settings-fields').replaceChildren(...fields);
}

// The value to send: numbers as numbers when they are whole; anything else as typed, so the
// server's message (not the browser's) explains what is wrong.
function valueOf(name, input) {
  if (input.type === 'checkbox') return input.checked;
  if (typeof saved[name] === 'number' && /^-?\d+$/.test(input.value.trim())) return Number(input.value);
  return input.value;
}

async function save() {
  const patch = {};
  for (const [name, input] of inputs) {
    const value = valueOf(name, input);
    if (value !== saved[name]) patch[name] = value;
  }
  await withFieldErrors(Object.fromEntries(inputs), async () => {
    if (Object.keys(patch).length === 0) {
      announce('Nothing changed.');
      return;
    }
    render(await api('PATCH', '/v1/settings', patch));
    announce('Settings saved.');
  });
}

let loaded = false;

/** Shows the settings section (loading it the first time). */
export function showSettings() {
  if (loaded) return;
  guarded(null, async () => {
    render(await api('GET', '/v1/settings'));
    loaded = true;
  }, document.querySelector('#settings-section .section-error'));
}

/** Wires the settings form. */
export function wireSettings() {
  onSubmit($('settings-form'), save);
}
