// Security info: the three phone slots (mobile, alternate mobile, office), each with change
// or add, and remove. The server applies the seed's rule: a new number for the default
// method (text or call to the mobile phone) answers 202 and is saved only after the code
// sent to it is entered here; an alternate number is saved at once.

import { $, api } from './api.js';
import { announce, confirmDialog, el, field, guarded, onSubmit } from './console-ui.js';

const kSlots = [
  { type: 'mobile', label: 'Mobile phone', hint: 'Texts and calls for signing in.' },
  { type: 'alternate_mobile', label: 'Alternate authentication phone', hint: 'Your way back in if you lose your mobile phone.' },
  { type: 'office', label: 'Office phone', hint: 'Calls only; add the extension after "ext.".' },
];

// Verifications in progress, by slot type: {verification_id, sent_to, expires_at}.
const pending = new Map();

function stateText(phone, slot, preferred) {
  if (!phone) return 'Not set.';
  const verified = phone.verified ? 'Verified.' : 'Not verified yet.';
  const usesIt = slot.type === 'mobile' && (preferred === 'sms' || preferred === 'voice');
  return usesIt ? `${verified} Used by your default sign-in method.` : verified;
}

function verifyForm(slot, wait, refresh) {
  const code = field(`${slot.type}-code`, `Code sent to ${wait.sent_to}`, {
    inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: 12,
  });
  const submit = el('button', { type: 'submit', text: 'Verify' });
  const cancel = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
  cancel.addEventListener('click', () => { pending.delete(slot.type); refresh(); });
  const form = el('form', { class: 'verify-form', 'data-slot': slot.type },
    el('p', { text: `We sent a code to ${wait.sent_to}. The new number is saved once you enter it here.` }),
    code.wrap, el('div', { class: 'actions' }, submit, cancel));
  onSubmit(form, async () => {
    await api('POST', `/v1/me/phones/verifications/${encodeURIComponent(wait.verification_id)}`,
      { code: code.input.value.trim() });
    pending.delete(slot.type);
    await refresh();
    announce(`Your ${slot.label.toLowerCase()} number was verified and saved.`);
  });
  return form;
}

async function save(slot, number, refresh) {
  const answer = await api('PUT', `/v1/me/phones/${slot.type}`, { number });
  if (answer && answer.verification_id) {
    pending.set(slot.type, answer);
    await refresh();
    document.getElementById(`${slot.type}-code`)?.focus();
    announce(`We sent a code to ${answer.sent_to}. Enter it to save the new number.`);
    return;
  }
  pending.delete(slot.type);
  await refresh();
  announce(`Your ${slot.label.toLowerCase()} number was saved.`);
}

function removeButton(slot, phone, refresh) {
  const button = el('button', {
    type: 'button', class: 'danger', 'aria-label': `Remove ${slot.label.toLowerCase()}`, text: 'Remove',
  });
  button.addEventListener('click', () => guarded(button, async () => {
    if (!await confirmDialog(`Remove ${phone.display}?`, 'Remove',
      `It will no longer be your ${slot.label.toLowerCase()}.`)) return;
    await api('DELETE', `/v1/me/phones/${slot.type}`);
    pending.delete(slot.type);
    await refresh();
    announce(`Your ${slot.label.toLowerCase()} was removed.`);
  }));
  return button;
}

function slotForm(slot, phone, preferred, refresh) {
  const number = field(`${slot.type}-number`, slot.label, {
    type: 'tel', autocomplete: 'tel', value: phone ? phone.display : '', required: true, maxlength: 64,
  });
  const submit = el('button', { type: 'submit', text: phone ? 'Save' : 'Add' });
  const form = el('form', { class: 'phone-slot', 'data-slot': slot.type },
    number.wrap,
    el('p', { class: 'hint', text: `${slot.hint} ${stateText(phone, slot, preferred)}` }),
    el('div', { class: 'actions' }, submit, phone ? removeButton(slot, phone, refresh) : null));
  onSubmit(form, () => save(slot, number.input.value.trim(), refresh));
  const wait = pending.get(slot.type);
  return el('div', { class: 'phone-slot-wrap' }, form, wait ? verifyForm(slot, wait, refresh) : null);
}

/** Draws the three phone slots (keeping a verification in progress). */
export function renderPhones(phones, preferred, refresh) {
  const byType = new Map(phones.map((p) => [p.type, p]));
  $('phones-list').replaceChildren(...kSlots.map((slot) => slotForm(slot, byType.get(slot.type), preferred, refresh)));
}
