// Small DOM helpers shared by the Security info page and the admin console (on top of
// api.js): building elements without innerHTML (every value from the server is text, never
// markup), the live status line, guarded actions whose errors show with their correlation
// ID, the confirm dialog, tables that stack at phone width, labelled fields, a copy button.
// No inline handlers or styles anywhere: the pages run under a strict CSP.

import { $, go, setStatus, show, showError } from './api.js';

/** Creates `tag` with attributes (`class`, `text`, `on<event>` handlers, others as
 * attributes; false/null values are left out) and children (nodes or strings). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const kDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An RFC 3339 time as a short local date and time ("—" for none). */
export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : kDateFormat.format(date);
}

/** A <time> element for an RFC 3339 time. */
export function timeCell(iso) {
  return iso ? el('time', { datetime: iso, text: formatTime(iso) }) : '—';
}

/** Says `text` in the page's polite live region (#status). */
export function announce(text) {
  const status = document.getElementById('status');
  if (!status) return;
  setStatus(status, '');
  // Set on the next frame, so the same message said twice is read twice.
  requestAnimationFrame(() => setStatus(status, text));
}

/**
 * Runs `action` with `button` disabled meanwhile; an error goes to `errorRegion` (by
 * default the `.section-error` alert box of the button's section) with its message and
 * correlation ID, instead of escaping. A 401 (the session ended) goes to the sign-in page.
 */
export async function guarded(button, action, errorRegion) {
  const region = errorRegion || button?.closest('section')?.querySelector('.section-error');
  if (button) button.disabled = true;
  if (region) showError(region, null);
  try {
    return await action();
  } catch (error) {
    // A session that ended (idle or absolute limit, signed out elsewhere) goes to sign-in.
    if (error?.status === 401) {
      go('/');
      return undefined;
    }
    if (region) showError(region, error);
    else throw error;
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** Runs `action` (guarded) when `form` is submitted, with its submit button disabled meanwhile. */
export function onSubmit(form, action) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    guarded(event.submitter, action);
  });
}

/**
 * Loads a page: runs `load`; without a session (401) goes to the sign-in page, another
 * error shows in #page-error; #loading is hidden either way.
 */
export async function startPage(load) {
  try {
    await load();
  } catch (error) {
    if (error.status === 401) {
      go('/');
      return;
    }
    showError($('page-error'), error);
  } finally {
    show($('loading'), false);
  }
}

/** Asks `question` in a modal dialog; resolves true when the person confirms. */
export function confirmDialog(question, confirmLabel = 'Remove', detail = '') {
  return new Promise((resolve) => {
    const title = el('h2', { id: 'confirm-title', text: question });
    const yes = el('button', { type: 'button', class: 'danger', text: confirmLabel });
    const no = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
    const dialog = el('dialog', { class: 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      title, detail ? el('p', { text: detail }) : null, el('div', { class: 'actions' }, no, yes));
    const finish = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    yes.addEventListener('click', () => finish(true));
    no.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); finish(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

/**
 * A table with a caption and `columns` ({label, cell(row) → node|string}); each cell
 * carries its column's label so that CSS can stack rows as cards at phone width.
 * Options: `empty` (the text shown instead of an empty table), `rowClass(row)`.
 */
export function table(caption, columns, rows, { empty = 'None yet.', rowClass = null } = {}) {
  if (rows.length === 0) return el('p', { class: 'empty', text: empty });
  const head = el('tr', {}, columns.map((c) => el('th', { scope: 'col', text: c.label })));
  const body = rows.map((row) => {
    return el('tr', { class: rowClass ? rowClass(row) : null },
      columns.map((c) => el('td', { 'data-label': c.label }, c.cell(row))));
  });
  // Scrolls sideways on its own when a wide table does not fit (above phone width).
  return el('div', { class: 'table-scroll' }, el('table', { class: 'list stack-table' },
    el('caption', { class: 'visually-hidden', text: caption }),
    el('thead', {}, head), el('tbody', {}, body)));
}

/** A button that copies `text` to the clipboard and says so. */
export function copyButton(text, label = 'Copy') {
  return el('button', {
    type: 'button',
    class: 'secondary',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        announce('Copied to the clipboard.');
      } catch {
        announce('Copying is not allowed here: select the text and copy it yourself.');
      }
    },
  }, label);
}

/** A labelled form field: {id, label, input attributes}; returns {wrap, input, message}. */
export function field(id, label, inputAttrs = {}, tag = 'input') {
  const message = el('p', { class: 'field-message', id: `${id}-message` });
  const input = el(tag, { id, name: id, 'aria-describedby': `${id}-message`, ...inputAttrs });
  const wrap = el('div', { class: 'field' }, el('label', { for: id, text: label }), input, message);
  return { wrap, input, message };
}

/** Marks `input` invalid with `text` shown next to it (or clears it with ''). */
function setFieldMessage(input, text) {
  const message = document.getElementById(`${input.id}-message`);
  if (message) message.textContent = text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/**
 * Runs `action` with the messages of `inputs` ({field name: input}) cleared; when the server
 * refuses one of those fields (the error's `field`), its message goes next to that input,
 * which takes the focus, and the error goes on to the section's alert box.
 */
export async function withFieldErrors(inputs, action) {
  for (const input of Object.values(inputs)) setFieldMessage(input, '');
  try {
    return await action();
  } catch (error) {
    const input = inputs[error.field];
    if (input) {
      setFieldMessage(input, error.message);
      input.focus();
    }
    throw error;
  }
}

/** The same-origin path of a URL the server returned absolute (its public URL may name
 * another host than the one the browser used). */
export function localPath(url) {
  const parsed = new URL(url, window.location.origin);
  return parsed.pathname + parsed.search;
}
